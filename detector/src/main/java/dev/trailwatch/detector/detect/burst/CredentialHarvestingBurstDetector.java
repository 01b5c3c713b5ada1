package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Credential harvesting burst: one principal reads at least {@code burst.harvest.resources} (10) distinct stored
 * credentials within {@code burst.harvest.window} (10 minutes) of event time, allowed or denied: Secrets Manager
 * secrets ({@code GetSecretValue}), decrypted SSM parameters ({@code GetParameter}/{@code GetParameters} with
 * {@code withDecryption}), EC2 user data ({@code DescribeInstanceAttribute} of {@code userData}, where bootstrap
 * secrets live) and Windows password data ({@code GetPasswordData}). One MEDIUM alert per burst lists what was read.
 *
 * <p>Why: after a foothold, attackers sweep every secret the credentials can reach (Stratus
 * secretsmanager-retrieve-secrets, ssm-retrieve-securestring-parameters, ec2-download-user-data); one read is routine,
 * a sweep of many distinct ones by one identity is not. Denied reads count: a sweep with partial permissions is still
 * a sweep.
 *
 * <p>Counted per account and principal (a principal's reads of its own account's secrets), so it needs no
 * repartition. Calls AWS makes on a principal's behalf do not count. A {@code GetParameters} call counts its first name
 * (five or more decrypted names in one call are {@code ssm-parameters-decrypted-in-bulk}'s).
 *
 * <p>False positives: an application that loads many secrets at start-up (each pod or task with its own session is
 * one principal), a migration or rotation job, a person auditing secrets in the console.
 *
 * <p>ATT&amp;CK: T1555.006 Cloud Secrets Management Stores, T1552 Unsecured Credentials (user data, password data).
 */
public final class CredentialHarvestingBurstDetector {

    public static final String ID = "credential-harvesting-burst";
    private static final List<String> MITRE = List.of("T1555.006", "T1552");
    private static final String RUNBOOK = "Ask the principal's owner whether a deploy, a rotation job or a migration"
            + " read these. If not: revoke the principal's sessions and keys, rotate every secret and parameter listed"
            + " (denied ones too if the attacker may retry elsewhere), and review what the principal did next with"
            + " them (new logins, calls from new addresses).";

    private final DetectionKit kit;
    private final BurstSpec spec;

    CredentialHarvestingBurstDetector(DetectorConfig config, DetectionKit kit) {
        int resources = config.get(BurstSettings.HARVEST_RESOURCES);
        Duration window = config.get(BurstSettings.HARVEST_WINDOW);
        this.kit = kit;
        this.spec = new BurstSpec(ID, "by-principal", window, config.get(BurstSettings.GRACE), resources, resources,
                e -> e.recipientAccountId() + '|' + e.principal(), CredentialHarvestingBurstDetector::resource,
                tally -> finding(tally, resources, window));
    }

    /** A read of a stored credential: its kind and name ({@code secret:prod/db}), or null for any other call. */
    static String resource(CloudTrailEvent event) {
        if (event.isAwsServiceCall() || event.principal() == null) {
            return null;
        }
        String name = event.eventName();
        String source = event.eventSource();
        if ("secretsmanager.amazonaws.com".equals(source) && "GetSecretValue".equals(name)) {
            return named("secret:", event.requestParameters().path("secretId"), event);
        }
        if ("ssm.amazonaws.com".equals(source) && ("GetParameter".equals(name) || "GetParameters".equals(name))) {
            JsonNode request = event.requestParameters();
            if (!request.path("withDecryption").asBoolean(false) && !event.isDenied()) {
                return null;
            }
            JsonNode names = request.path("names");
            return named("parameter:", names.isArray() ? names.path(0) : request.path("name"), event);
        }
        if ("ec2.amazonaws.com".equals(source) && "DescribeInstanceAttribute".equals(name)
                && "userData".equals(event.requestParameters().path("attribute").asText())) {
            return named("userData:", event.requestParameters().path("instanceId"), event);
        }
        if ("ec2.amazonaws.com".equals(source) && "GetPasswordData".equals(name)) {
            return named("passwordData:", event.requestParameters().path("instanceId"), event);
        }
        return null;
    }

    /** The resource's name; a call whose request CloudTrail left out is counted as its own resource. */
    private static String named(String kind, JsonNode name, CloudTrailEvent event) {
        return kind + (name.isTextual() && !name.asText().isBlank() ? name.asText() : "(unnamed " + event.eventId()
                + ")");
    }

    private static boolean isCandidate(CloudTrailEvent event) {
        String name = event.eventName();
        return "GetSecretValue".equals(name) || "GetParameter".equals(name) || "GetParameters".equals(name)
                || "DescribeInstanceAttribute".equals(name) || "GetPasswordData".equals(name);
    }

    Detections detect(KStream<String, CloudTrailEvent> events) {
        // Per account and principal needs no repartition: the input is keyed by account. The event name is a typed
        // field, so the request is read only for the few candidate calls.
        KStream<String, CloudTrailEvent> reads = events.filter((account, e) -> isCandidate(e) && resource(e) != null,
                Named.as(spec.name() + "-filter"));
        return Bursts.count(reads, spec, kit);
    }

    private static Alerts.Finding finding(BurstSpec.Tally tally, int resources, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("principal", "reads", tally, resources, window);
        evidence.put("distinctResources", tally.tokens().size());
        evidence.put("resources", tally.tokens());
        String principal = tally.entity().substring(tally.entity().indexOf('|') + 1);
        return new Alerts.Finding(ID, "Credential harvesting by " + principal, principal + " read "
                + tally.tokens().size() + " distinct secrets, parameters or instance credentials (" + tally.count()
                + " calls) within " + Durations.format(window) + " of " + Instant.ofEpochMilli(tally.start()) + ": "
                + BurstEvidence.head(tally.tokens()), Severity.MEDIUM, MITRE, RUNBOOK, evidence);
    }
}
