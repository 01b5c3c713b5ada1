package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.ingest.reader.EventTimes;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Stratus Red Team's RECORDED detonations (CloudTrail as AWS wrote it when each technique ran, anonymized by its
 * authors; {@code stratus/recorded/}) through the real topology, as a deployment runs it: default settings,
 * GeoIP on when the test databases are present. Each technique's records go in event-time
 * order, the input then ends (what {@code trailwatch scan} does), and the rule(s) below must have alerted at
 * least at their severity. No record may be dead-lettered: the anonymized values (regions such as
 * {@code cn-west-3r}, addresses such as {@code 08.1.250.216}) are what a detection must neither need nor break on.
 */
class StratusRecordedDetonationsTest {

    record Expected(String rule, Severity atLeast) {
    }

    private static Expected alert(String rule, Severity atLeast) {
        return new Expected(rule, atLeast);
    }

    /** Technique -> the alerts its recorded records must raise. */
    static final Map<String, List<Expected>> EXPECTED = Map.ofEntries(
            Map.entry("aws.credential-access.ec2-get-password-data", List.of(
                    alert("credential-harvesting-burst", Severity.MEDIUM),
                    alert("ec2-password-data-retrieved", Severity.LOW))),
            Map.entry("aws.credential-access.ec2-steal-instance-credentials", List.of(
                    alert("instance-credential-exfiltration", Severity.HIGH),
                    alert("ssm-command-sent", Severity.LOW))),
            Map.entry("aws.credential-access.secretsmanager-batch-retrieve-secrets", List.of(
                    alert("secretsmanager-batch-read", Severity.MEDIUM))),
            Map.entry("aws.credential-access.secretsmanager-retrieve-secrets", List.of(
                    alert("credential-harvesting-burst", Severity.MEDIUM))),
            Map.entry("aws.credential-access.ssm-retrieve-securestring-parameters", List.of(
                    alert("credential-harvesting-burst", Severity.MEDIUM),
                    alert("ssm-parameters-decrypted-in-bulk", Severity.LOW))),
            Map.entry("aws.defense-evasion.bedrock-guardrail-delete", List.of(
                    alert("bedrock-guardrail-changed", Severity.MEDIUM))),
            Map.entry("aws.defense-evasion.bedrock-model-invocation-logging-delete", List.of(
                    alert("bedrock-invocation-logging-deleted", Severity.HIGH))),
            Map.entry("aws.defense-evasion.cloudtrail-delete", List.of(
                    alert("cloudtrail-logging-stopped", Severity.HIGH))),
            Map.entry("aws.defense-evasion.cloudtrail-event-selectors", List.of(
                    alert("cloudtrail-trail-changed", Severity.HIGH))),
            Map.entry("aws.defense-evasion.cloudtrail-stop", List.of(
                    alert("cloudtrail-logging-stopped", Severity.HIGH))),
            Map.entry("aws.defense-evasion.dns-delete-logs", List.of(
                    alert("dns-query-logging-deleted", Severity.HIGH))),
            Map.entry("aws.defense-evasion.organizations-leave", List.of(
                    alert("critical-action-denied", Severity.MEDIUM))),
            Map.entry("aws.defense-evasion.vpc-remove-flow-logs", List.of(
                    alert("vpc-flow-logs-deleted", Severity.HIGH))),
            Map.entry("aws.discovery.ec2-download-user-data", List.of(
                    alert("credential-harvesting-burst", Severity.MEDIUM),
                    alert("ec2-user-data-read", Severity.LOW))),
            Map.entry("aws.execution.ec2-launch-unusual-instances", List.of(
                    alert("ec2-unusual-instance-launched", Severity.MEDIUM))),
            Map.entry("aws.execution.ec2-user-data", List.of(
                    alert("ec2-user-data-modified", Severity.MEDIUM))),
            Map.entry("aws.execution.ssm-send-command", List.of(
                    alert("ssm-command-sent", Severity.LOW))),
            Map.entry("aws.execution.ssm-start-session", List.of(
                    alert("ssm-session-started", Severity.LOW))),
            Map.entry("aws.exfiltration.ec2-security-group-open-port-22-ingress", List.of(
                    alert("security-group-changed", Severity.HIGH))),
            Map.entry("aws.exfiltration.ec2-share-ami", List.of(
                    alert("snapshot-shared", Severity.MEDIUM))),
            Map.entry("aws.exfiltration.ec2-share-ebs-snapshot", List.of(
                    alert("snapshot-shared", Severity.MEDIUM))),
            Map.entry("aws.exfiltration.rds-share-snapshot", List.of(
                    alert("snapshot-shared", Severity.MEDIUM))),
            Map.entry("aws.impact.bedrock-invoke-model", List.of(
                    alert("bedrock-model-access-granted", Severity.MEDIUM))),
            Map.entry("aws.initial-access.console-login-without-mfa", List.of(
                    alert("console-login-without-mfa", Severity.MEDIUM))),
            Map.entry("aws.lateral-movement.ec2-instance-connect", List.of(
                    alert("ec2-instance-connect-key-sent", Severity.LOW))),
            Map.entry("aws.lateral-movement.ec2-serial-console-send-ssh-public-key", List.of(
                    alert("ec2-serial-console-access", Severity.MEDIUM))),
            Map.entry("aws.persistence.iam-backdoor-role", List.of(
                    alert("iam-role-trust-policy-changed", Severity.MEDIUM))),
            Map.entry("aws.persistence.iam-backdoor-user", List.of(
                    alert("iam-access-key-created", Severity.HIGH))),
            Map.entry("aws.persistence.iam-create-admin-user", List.of(
                    alert("iam-user-created", Severity.MEDIUM),
                    alert("iam-policy-changed", Severity.HIGH),
                    alert("iam-access-key-created", Severity.HIGH))),
            Map.entry("aws.persistence.iam-create-backdoor-role", List.of(
                    alert("iam-role-created", Severity.MEDIUM),
                    alert("iam-policy-changed", Severity.HIGH))),
            Map.entry("aws.persistence.iam-create-user-login-profile", List.of(
                    alert("iam-login-profile-changed", Severity.MEDIUM))),
            Map.entry("aws.persistence.lambda-backdoor-function", List.of(
                    alert("resource-policy-made-public", Severity.HIGH))),
            Map.entry("aws.persistence.lambda-layer-extension", List.of(
                    alert("lambda-layer-attached", Severity.LOW))),
            Map.entry("aws.persistence.lambda-overwrite-code", List.of(
                    alert("lambda-function-code-updated", Severity.LOW))),
            Map.entry("aws.persistence.rolesanywhere-create-trust-anchor", List.of(
                    alert("rolesanywhere-trust-changed", Severity.MEDIUM))),
            Map.entry("aws.persistence.sts-federation-token", List.of(
                    alert("sts-federation-token", Severity.MEDIUM))),
            Map.entry("aws.privilege-escalation.iam-update-user-login-profile", List.of(
                    alert("iam-login-profile-changed", Severity.MEDIUM))));

    /**
     * Techniques whose recorded log lacks what their detection needs, with the reason; the detection's own test
     * replays the technique with that history.
     */
    static final Map<String, String> NEEDS_HISTORY = Map.of();

    @TestFactory
    Stream<DynamicTest> everyRecordedDetonationAlertsAtItsSeverity() throws IOException {
        return recorded().entrySet().stream().map(e -> dynamicTest(e.getKey(), () -> {
            Outcome outcome = replay(e.getValue(), BY_EVENT_TIME);
            assertThat(outcome.deadLetters()).as("records dead-lettered").isZero();
            // the same alerts when the records come latest first (a detonation spans minutes: within the horizon)
            assertThat(replay(e.getValue(), BY_EVENT_TIME.reversed())).as("latest first").isEqualTo(outcome);
            Map<String, Severity> raised = outcome.raised();
            for (Expected expected : EXPECTED.getOrDefault(e.getKey(), List.of())) {
                assertThat(raised).as("alerts raised").containsKey(expected.rule());
                assertThat(raised.get(expected.rule())).as(expected.rule() + " in " + raised)
                        .matches(s -> s.atLeast(expected.atLeast()), "at least " + expected.atLeast());
            }
        }));
    }

    @Test
    void everyRecordedTechniqueIsEitherExpectedToAlertOrSaysWhatHistoryItLacks() throws IOException {
        Set<String> stored = recorded().keySet();
        Set<String> accounted = new TreeSet<>(EXPECTED.keySet());
        accounted.addAll(NEEDS_HISTORY.keySet());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(accounted);
        Set<String> catalog = new TreeSet<>(StratusDetonationsTest.ISSUE_15);
        catalog.addAll(StratusDetonationsTest.LATER);
        assertThat(catalog).containsAll(stored);
    }

    /** docs/rules.md shows users the same table; it must not drift from what this test checks. */
    @Test
    void theRulesGuideListsEveryRecordedDetonationWithItsAlerts() throws IOException {
        String guide = Files.readString(Path.of("../docs/rules.md"));
        EXPECTED.forEach((technique, alerts) -> {
            String rules = String.join(", ", alerts.stream()
                    .map(a -> "`" + a.rule() + "` (" + a.atLeast() + ")").toList());
            assertThat(guide).as("docs/rules.md, recorded detonations")
                    .contains("| `" + technique.replaceFirst("^aws\\.", "") + "` | " + rules + " |");
        });
    }

    record Outcome(Map<String, Severity> raised, int deadLetters) {
    }

    private static final Comparator<JsonNode> BY_EVENT_TIME =
            Comparator.comparingLong(r -> EventTimes.parseMillis(r.get("eventTime").asText()));

    /** The highest severity each rule reached over the technique's records, fed in {@code order}. */
    static Outcome replay(List<JsonNode> records, Comparator<JsonNode> order) {
        try (TopologyHarness topology = new TopologyHarness(settings(), FlushSignal.onRequest())) {
            records.stream().sorted(order).forEach(topology::pipeJson);
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            Map<String, Severity> raised = new TreeMap<>();
            for (Alert a : topology.alertValues()) {
                raised.merge(a.ruleId(), a.severity(), (x, y) -> x.atLeast(y) ? x : y);
            }
            return new Outcome(raised, topology.deadLetters().size());
        }
    }

    /** A deployment's detections: the defaults, GeoIP when the test databases are present. */
    static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        Path country = GeoIpDatabases.dir().resolve(GeoIpDatabases.COUNTRY_FILE);
        Path asn = GeoIpDatabases.dir().resolve(GeoIpDatabases.ASN_FILE);
        if (Files.isRegularFile(country) && Files.isRegularFile(asn)) {
            settings.put("geoip.country-db", country.toString());
            settings.put("geoip.asn-db", asn.toString());
        }
        return settings;
    }

    /**
     * Technique id -> its recorded CloudTrail records, one file each as Stratus Red Team publishes it: an array of
     * records, or (its newer logs) one record.
     */
    static Map<String, List<JsonNode>> recorded() throws IOException {
        Path dir;
        try {
            dir = Path.of(StratusRecordedDetonationsTest.class.getResource("/stratus/recorded").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Map<String, List<JsonNode>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                List<JsonNode> records = new ArrayList<>();
                JsonNode published = TestEvents.tree(Files.readString(file));
                if (published.isObject()) {
                    records.add(published);
                } else {
                    published.forEach(records::add);
                }
                out.put(file.getFileName().toString().replaceFirst("\\.json$", ""), records);
            }
        }
        return out;
    }
}
