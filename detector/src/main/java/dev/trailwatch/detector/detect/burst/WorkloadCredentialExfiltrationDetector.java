package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.IpLocation;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A Lambda function's or ECS task's role credentials used outside AWS: the role session AWS issued to the workload
 * (CloudTrail: {@code AssumeRole} by {@code AWSService} {@code lambda.amazonaws.com} or {@code
 * ecs-tasks.amazonaws.com}, the session's access key in {@code responseElements.credentials.accessKeyId}) calling from
 * an address whose autonomous system is not Amazon's. HIGH.
 *
 * <p>How AWS behaves: a function or task calls AWS from AWS's own network (a Lambda's shared egress, a NAT gateway's
 * Elastic IP, a task's public IP: all in Amazon's autonomous systems) or through a VPC endpoint (a private address);
 * services acting for it write a service name instead of an address. Its SDK says where it runs in its user agent
 * ({@code exec-env/AWS_Lambda_python3.12}, {@code exec-env/AWS_ECS_FARGATE}). Credentials read from a function's
 * environment or a task's credentials endpoint (SSRF, an error page, a leaked environment dump: flaws2.cloud levels 1
 * and 3) and used from the attacker's machine come from a residential, hosting or VPN network instead.
 *
 * <p>Outside, with {@code geoip.asn-db} set: a public address the database places in an autonomous system not in
 * {@code workload-credentials.aws-asns}, without a VPC endpoint. An address the database does not know is not judged.
 * ECS Anywhere tasks ({@code exec-env/AWS_ECS_EXTERNAL}) run on the operator's own servers and are not judged. Without
 * the database the network of an address is unknown, and the session's own calls are the only witness: a session
 * whose calls carry the runtime's {@code exec-env/AWS_Lambda...} or {@code exec-env/AWS_ECS...} user agent is used
 * outside when a call without any {@code exec-env/} comes from a public address none of its runtime calls came from
 * (see {@link WorkloadSessionProcessor}).
 *
 * <p>Why: stolen Lambda and container credentials are the serverless form of instance-credential theft (Hacking the
 * Cloud, "Steal credentials from Lambda / ECS"); nothing else in CloudTrail says the caller is no longer the workload.
 *
 * <p>False positives: a developer copying a function's credentials to a laptop on purpose (bad practice, still worth
 * knowing); an autonomous system of AWS missing from the list. Not seen: an attacker calling from inside AWS (their
 * own EC2 instance or Lambda), and uses recorded in another account than the one the role is in.
 *
 * <p>ATT&amp;CK: T1552.005 Cloud Instance Metadata API, T1078.004 Cloud Accounts.
 */
public final class WorkloadCredentialExfiltrationDetector {

    public static final String ID = "workload-credential-exfiltration";
    private static final List<String> MITRE = List.of("T1552.005", "T1078.004");
    private static final String RUNBOOK = "Find the function or task: was its role session used on purpose from this"
            + " address? If not: revoke the role's active sessions (IAM: Revoke active sessions), rotate whatever the"
            + " workload's environment holds, look for how its credentials leaked (SSRF to the container credentials"
            + " endpoint, an error page or log printing the environment, a dependency reading it) and review"
            + " everything the session did from the address.";
    /** The services that issue a workload's role session, and what they run. */
    static final Map<String, String> SERVICES = Map.of(
            "lambda.amazonaws.com", "Lambda function",
            "ecs-tasks.amazonaws.com", "ECS task");

    private final Duration confirm;
    private final GeoIp geoIp;
    private final Set<Long> awsAsns;
    private final DetectionKit kit;

    WorkloadCredentialExfiltrationDetector(DetectorConfig config, GeoIp geoIp, DetectionKit kit) {
        this.confirm = config.get(BurstSettings.WORKLOAD_CREDENTIALS_CONFIRM);
        this.geoIp = geoIp;
        this.awsAsns = asns(config.get(BurstSettings.WORKLOAD_CREDENTIALS_AWS_ASNS));
        this.kit = kit;
    }

    /** {@code workload-credentials.aws-asns} read: numbers, with or without {@code AS}, comma-separated. */
    static Set<Long> asns(String text) {
        Set<Long> numbers = new TreeSet<>();
        for (String part : text.split(",")) {
            String number = part.strip();
            if (number.regionMatches(true, 0, "AS", 0, 2)) {
                number = number.substring(2);
            }
            if (number.isEmpty()) {
                continue;
            }
            try {
                numbers.add(Long.parseLong(number));
            } catch (NumberFormatException e) {
                throw new ConfigException(BurstSettings.WORKLOAD_CREDENTIALS_AWS_ASNS.name() + ": '" + part.strip()
                        + "' is not an autonomous system number");
            }
        }
        return Set.copyOf(numbers);
    }

    /**
     * Typed fields only: an AssumeRole a workload service made for a function or task, or a role session's call. With
     * the ASN database a call from a private address tells nothing (never outside AWS, and no witness is kept), so it
     * is not routed at all; judging by user agents, a runtime call from a private address still shows that the
     * session is a workload's.
     */
    boolean routes(CloudTrailEvent event) {
        if (issuedBy(event) != null) {
            return true;
        }
        return session(event) != null && (judge() == Judge.USER_AGENT || !Addresses.isPrivate(event.sourceIpAddress()));
    }

    /**
     * The service that issued a workload's role session with this event ({@code lambda.amazonaws.com}, {@code
     * ecs-tasks.amazonaws.com}), or null: a successful {@code AssumeRole} by {@code AWSService} invoked by one.
     */
    static String issuedBy(CloudTrailEvent event) {
        if (!"AssumeRole".equals(event.eventName()) || !"sts.amazonaws.com".equals(event.eventSource())
                || event.errorCode() != null || !event.userIdentity().isAwsService()) {
            return null;
        }
        String service = event.userIdentity().invokedBy();
        if (service == null || !SERVICES.containsKey(service)) {
            service = event.sourceIpAddress();
        }
        return service != null && SERVICES.containsKey(service) ? service : null;
    }

    /** The session key ({@code ASIA...}) the AssumeRole issued, or null (reads the record's response). */
    static String issuedKey(CloudTrailEvent event) {
        String key = event.responseElements().path("credentials").path("accessKeyId").asText("");
        return key.startsWith("ASIA") ? key : null;
    }

    /**
     * The role session key ({@code ASIA...}) of a call a role session made from an IP address itself (not a service
     * acting for it, not an EC2 instance's session), or null.
     */
    static String session(CloudTrailEvent event) {
        String key = event.userIdentity().accessKeyId();
        if (!"AssumedRole".equals(event.userIdentity().type()) || key == null || !key.startsWith("ASIA")
                || event.recipientAccountId() == null || event.isAwsServiceCall()) {
            return null;
        }
        // an EC2 instance's session is no workload's: instance-credential-exfiltration judges it
        return Addresses.isLiteral(event.sourceIpAddress())
                && InstanceCredentialExfiltrationDetector.instanceOfCaller(event) == null ? key : null;
    }

    /** A user agent of an AWS SDK running in Lambda or ECS: it names the runtime it runs in. */
    static boolean runtimeAgent(String userAgent) {
        return userAgent != null
                && (userAgent.contains("exec-env/AWS_Lambda") || userAgent.contains("exec-env/AWS_ECS"));
    }

    /** How the processor judges a call: by the ASN database when set, else by the session's user agents. */
    enum Judge { ASN, USER_AGENT }

    Judge judge() {
        return geoIp.hasAsn() ? Judge.ASN : Judge.USER_AGENT;
    }

    /**
     * With the ASN database: whether the call's address is outside AWS. Its network is outside AWS ({@code network}:
     * {@link #outsideAwsNetwork}, or the processor's cache of it), it did not come through a VPC endpoint, and it is no
     * ECS Anywhere task (the operator's own servers).
     */
    boolean outsideAws(CloudTrailEvent event, Predicate<String> network) {
        String agent = event.userAgent();
        if (agent != null && agent.contains("exec-env/AWS_ECS_EXTERNAL")) {
            return false;
        }
        return network.test(event.sourceIpAddress()) && EndpointFields.of(event).id() == null;
    }

    /**
     * Whether a public address lies in a known autonomous system that is not Amazon's: a function of the address and
     * the database alone, so the processor keeps its answers per address.
     */
    boolean outsideAwsNetwork(String ip) {
        if (Addresses.isPrivate(ip)) {
            return false;
        }
        Long asn = geoIp.asn(ip);
        return asn != null && !awsAsns.contains(asn);
    }

    Detections detect(EventRouter events) {
        String name = ID + "-by-session";
        return Bursts.split(events.process(name, this::routes,
                new Supplier(name)), name);
    }

    /** The alert for the workload's session (issued by {@code issue}) used from {@code use}'s address. */
    Alerts.Finding finding(String accessKey, Origin issue, Origin use, Judge judge) {
        String principal = use.call().principal();
        String session = principal.substring(principal.lastIndexOf('/') + 1);
        String workload = SERVICES.get(issue.name()) + " " + session;
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("workload", SERVICES.get(issue.name()));
        evidence.put("session", session);
        evidence.put("sessionArn", principal);
        evidence.put("accessKeyId", accessKey);
        evidence.put("issuedBy", issue.name());
        evidence.put("assumeRoleEventId", issue.eventId());
        evidence.put("issuedAt", Instant.ofEpochMilli(issue.first()).toString());
        evidence.put("sourceIp", use.name());
        String network;
        if (judge == Judge.ASN) {
            IpLocation where = geoIp.locate(use.name());
            evidence.put("asn", where.asn());
            if (where.asOrganization() != null) {
                evidence.put("asOrganization", where.asOrganization());
            }
            network = "AS" + where.asn() + (where.asOrganization() == null ? "" : " (" + where.asOrganization() + ")")
                    + ", not an autonomous system of AWS";
        } else {
            network = "with a user agent that names no Lambda or ECS runtime, from an address none of the session's"
                    + " runtime calls came from";
        }
        evidence.put("judgedBy", judge == Judge.ASN ? "asn" : "user-agent");
        evidence.put("userAgent", use.call().userAgent());
        evidence.put("firstCall", use.call().eventSource() + ':' + use.call().eventName());
        evidence.put("confirm", Durations.format(confirm));
        return new Alerts.Finding(ID, "Credentials of " + workload + " used from " + use.name() + " outside AWS",
                principal + " (the role session " + issue.name() + " issued to " + workload + " at "
                        + Instant.ofEpochMilli(issue.first()) + ", event " + issue.eventId() + ") called "
                        + use.call().eventName() + " from " + use.name() + " at " + Instant.ofEpochMilli(use.first())
                        + ": " + network + ".",
                Severity.HIGH, MITRE, RUNBOOK, evidence);
    }

    private final class Supplier implements ProcessorSupplier<String, CloudTrailEvent, String, BurstOutcome> {

        private final String name;

        Supplier(String name) {
            this.name = name;
        }

        @Override
        public Processor<String, CloudTrailEvent, String, BurstOutcome> get() {
            return new WorkloadSessionProcessor(name, ID, confirm.toMillis(),
                    WorkloadCredentialExfiltrationDetector.this, kit);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return BurstStores.named(name).builders();
        }
    }
}
