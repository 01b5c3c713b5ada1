package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credential harvesting burst: one principal reads at least {@code burst.harvest.resources} (11) distinct stored
 * credentials in at least two calls within {@code burst.harvest.window} (10 minutes) of event time, allowed or denied:
 * Secrets Manager secrets ({@code GetSecretValue}), decrypted SSM parameters ({@code GetParameter}/
 * {@code GetParameters} with {@code withDecryption}), EC2 user data ({@code DescribeInstanceAttribute} of
 * {@code userData}, where bootstrap secrets live), Windows password data ({@code GetPasswordData}) and console
 * screenshots ({@code GetConsoleScreenshot}, which show whatever an instance's console has on screen: a login prompt,
 * a crash dump, a password typed at boot). One MEDIUM alert per burst lists what was read.
 *
 * <p>Why: after a foothold, attackers sweep every secret the credentials can reach (Stratus
 * secretsmanager-retrieve-secrets, ssm-retrieve-securestring-parameters, ec2-download-user-data,
 * ec2-console-screenshots, which is refused call after call on made-up instance ids); one read is routine,
 * a sweep of many distinct ones by one identity is not. Denied reads count: a sweep with partial permissions is still
 * a sweep.
 *
 * <p>What is counted is resources, not calls: a {@code GetParameters} call counts every name it asks for (up to ten,
 * the API's limit). Sweeping tools batch: Stratus reads 42 SecureString parameters in five {@code GetParameters} calls
 * of up to ten names. The default threshold is one more than a call can name, so a batch read again and again (a
 * function's cold starts, a poller refreshing its configuration) is never a burst: the distinct count of a window only
 * grows, so the rule stays a function of the window's events whatever their order. A {@code BatchGetSecretValue}
 * counts through the {@code GetSecretValue} record Secrets Manager writes for each secret it requests (API reference:
 * "generates CloudTrail GetSecretValue log entries for each secret you request"), not through its own list as well,
 * which would count each secret twice, under its name and its ARN (the call itself is
 * {@code secretsmanager-batch-read}'s). One call alone is never a burst: the single-call rules
 * ({@code ssm-parameters-decrypted-in-bulk}, {@code secretsmanager-batch-read}) report it.
 *
 * <p>Counted per account and principal (a principal's reads of its own account's secrets), so it needs no
 * repartition. Calls AWS makes on a principal's behalf ({@code invokedBy} an AWS service, such as CloudFormation
 * resolving {@code ssm-secure} references) do not count.
 *
 * <p>False positives: an application that loads {@code burst.harvest.resources} or more secrets at start-up in
 * several calls (a Lambda function's cold start reads its parameters again; each pod or task with its own session is
 * one principal); ECS injecting a task definition's {@code secrets}: the ECS agent fetches them with the task execution
 * role, as the role's session and from the container instance, with {@code GetParameters} in batches of ten (and one
 * {@code GetSecretValue} per Secrets Manager secret), under its own user agent ({@code Amazon ECS Agent - v...}) and
 * without {@code invokedBy}, so a task definition with at least the threshold of injected secrets, in two or more
 * calls, alerts at each task start (ten or fewer SSM secrets are one call). It is not excluded by its user agent, which
 * any caller can send: an exception for the execution role in the tuning file (docs/tuning.md) silences it. A
 * migration or rotation job, a person auditing secrets in the console; a status-check tool screenshotting every
 * instance of a fleet that fails its checks at once (a bad AMI, an impaired Availability Zone).
 *
 * <p>ATT&amp;CK: T1555.006 Cloud Secrets Management Stores, T1552 Unsecured Credentials (user data, password data),
 * T1113 Screen Capture (console screenshots).
 */
public final class CredentialHarvestingBurstDetector {

    public static final String ID = "credential-harvesting-burst";
    private static final List<String> MITRE = List.of("T1555.006", "T1552", "T1113");
    private static final String RUNBOOK = "Ask the principal's owner whether a deploy, a rotation job or a migration"
            + " read these; an ECS task execution role session with the ECS agent's user agent that read exactly its"
            + " task definition's secrets is their injection. If not: revoke the principal's sessions and keys, rotate"
            + " every secret and parameter listed (denied ones too if the attacker may retry elsewhere; for"
            + " screenshots, what the instances' consoles showed), and review"
            + " what the principal did next with them (new logins, calls from new addresses).";

    private final DetectionKit kit;
    private final BurstSpec spec;

    CredentialHarvestingBurstDetector(DetectorConfig config, DetectionKit kit) {
        int resources = config.get(BurstSettings.HARVEST_RESOURCES);
        Duration window = config.get(BurstSettings.HARVEST_WINDOW);
        this.kit = kit;
        this.spec = new BurstSpec(ID, "by-principal", window, config.get(BurstSettings.GRACE), MIN_CALLS, resources,
                e -> e.recipientAccountId() + '|' + e.principal(), e -> lastResources(e).get(0),
                tally -> finding(tally, resources, window), List.of(),
                CredentialHarvestingBurstDetector::moreResources);
    }

    /** The calls a burst needs at least: one call, however many resources it reads, is one batch (see above). */
    static final int MIN_CALLS = 2;

    /** The request fields {@link #resources} reads: the only ones taken from the record, without its whole tree. */
    /** A Secrets Manager ARN: its account, and the secret's name without the full ARN's six-character suffix. */
    private static final Pattern SECRET_ARN =
            Pattern.compile("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]*:(\\d{12}):secret:(.+?)(?:-[A-Za-z0-9]{6})?");
    private static final Set<String> REQUEST_FIELDS = Set.of("secretId", "withDecryption", "names", "name",
            "attribute", "instanceId");

    /**
     * The stored credentials a call reads, each as its kind and name ({@code secret:prod/db}), distinct, in the order
     * the request names them; null for any other call. The typed fields decide first; only a candidate call's request
     * is read, and only the few fields named above ({@link CloudTrailEvent#requestParameters(Set)}: a streaming pass,
     * not the record's tree).
     */
    static List<String> resources(CloudTrailEvent event) {
        if (!isCandidate(event) || event.isAwsServiceCall() || event.principal() == null) {
            return null;
        }
        String name = event.eventName();
        JsonNode request = event.requestParameters(REQUEST_FIELDS);
        return switch (name) {
            case "GetSecretValue" -> List.of(secret(request.path("secretId"), event));
            case "GetParameter", "GetParameters" -> {
                if (!request.path("withDecryption").asBoolean(false) && !event.isDenied()) {
                    yield null;
                }
                JsonNode names = request.path("names");
                yield names.isArray() && !names.isEmpty() ? allNamed("parameter:", names, event)
                        : List.of(named("parameter:", request.path("name"), event));
            }
            case "DescribeInstanceAttribute" -> "userData".equals(request.path("attribute").asText())
                    ? List.of(named("userData:", request.path("instanceId"), event)) : null;
            case "GetPasswordData" -> List.of(named("passwordData:", request.path("instanceId"), event));
            case "GetConsoleScreenshot" -> List.of(named("screenshot:", request.path("instanceId"), event));
            default -> null;
        };
    }

    /**
     * A secret as Secrets Manager resolves {@code secretId}: its name, or a full or partial ARN
     * ({@code arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME}, the full one ending in a hyphen and six random
     * characters). The same secret read by name in one call and by ARN in another is one resource: {@code secret:NAME}
     * for the caller's own account, {@code secret:ACCOUNT:NAME} for another's (a secret shared by resource policy).
     * A partial ARN whose name itself ends in a hyphen and six letters or digits reads as the full ARN of a shorter
     * name; AWS's own documentation warns against such names for the same reason.
     */
    static String secret(JsonNode id, CloudTrailEvent event) {
        if (!id.isTextual()) {
            return named("secret:", id, event);
        }
        Matcher arn = SECRET_ARN.matcher(id.asText());
        if (!arn.matches()) {
            return named("secret:", id, event);
        }
        String account = arn.group(1);
        return "secret:" + (account.equals(event.userIdentity().accountId()) ? "" : account + ":") + arn.group(2);
    }

    /** The resource's name; a call whose request CloudTrail left out is counted as its own resource. */
    private static String named(String kind, JsonNode name, CloudTrailEvent event) {
        return kind + (name.isTextual() && !name.asText().isBlank() ? name.asText() : "(unnamed " + event.eventId()
                + ")");
    }

    /** Each name of a request's list once, in its order (the burst counts at most {@link BurstSpec#MAX_MORE} more). */
    private static List<String> allNamed(String kind, JsonNode names, CloudTrailEvent event) {
        Set<String> distinct = new LinkedHashSet<>();
        for (JsonNode name : names) {
            distinct.add(named(kind, name, event));
        }
        return List.copyOf(distinct);
    }

    /**
     * The filter's answer for the event the counter sees next, on the same stream thread: the counter's token needs
     * the same request fields, and reading them is the costly part. Kept only for the events that pass (the only ones
     * the counter sees), so the filter costs the thread-local lookup only for them, not for every event.
     */
    private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

    private static List<String> filtered(CloudTrailEvent event) {
        List<String> found = resources(event);
        if (found != null) {
            Object[] last = LAST.get();
            last[0] = event;
            last[1] = found;
        }
        return found;
    }

    /** The resources a call reads after its first (the spec's further tokens). */
    private static List<String> moreResources(CloudTrailEvent event) {
        List<String> all = lastResources(event);
        return all.subList(1, all.size());
    }

    @SuppressWarnings("unchecked")
    private static List<String> lastResources(CloudTrailEvent event) {
        Object[] last = LAST.get();
        return last[0] == event ? (List<String>) last[1] : resources(event);
    }

    /** The calls that can read a stored credential, by their typed fields alone. */
    static boolean isCandidate(CloudTrailEvent event) {
        String name = event.eventName();
        String source = event.eventSource();
        return switch (name) {
            case "GetSecretValue" -> "secretsmanager.amazonaws.com".equals(source);
            case "GetParameter", "GetParameters" -> "ssm.amazonaws.com".equals(source);
            case "DescribeInstanceAttribute", "GetPasswordData", "GetConsoleScreenshot" ->
                    "ec2.amazonaws.com".equals(source);
            default -> false;
        };
    }

    /** What the counter counts and how it words the alert. */
    BurstSpec spec() {
        return spec;
    }

    Detections detect(EventRouter events) {
        // Per account and principal needs no repartition: the input is keyed by account. The event name is a typed
        // field, so the request is read only for the few candidate calls.
        return Bursts.count(events, e -> filtered(e) != null, spec, kit);
    }

    private static Alerts.Finding finding(BurstSpec.Tally tally, int resources, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("principal", "reads", tally, resources, window);
        evidence.put("distinctResources", tally.tokens().size());
        evidence.put("minCalls", MIN_CALLS);
        evidence.put("resources", tally.tokens());
        String principal = tally.entity().substring(tally.entity().indexOf('|') + 1);
        return new Alerts.Finding(ID, "Credential harvesting by " + principal, principal + " read "
                + tally.tokens().size() + " distinct secrets, parameters, instance credentials or screenshots (" + tally.count()
                + " calls) within " + Durations.format(window) + " of " + Instant.ofEpochMilli(tally.start()) + ": "
                + BurstEvidence.head(tally.tokens()), Severity.MEDIUM, MITRE, RUNBOOK, evidence);
    }
}
