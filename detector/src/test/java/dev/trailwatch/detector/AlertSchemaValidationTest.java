package dev.trailwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.ocsf.AlertFormat;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every alert the real topology raises over the bundled sample logs (the demo's data: every detection family fires)
 * matches the published JSON Schemas, in the native format and as an OCSF Detection Finding, whichever way the
 * OCSF output is configured; and the schemas refuse broken alerts, so these checks can fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertSchemaValidationTest {

    private static final ObjectMapper JSON = JacksonSerde.configure(new ObjectMapper());
    private static final String OCSF_TOPIC = "cloudtrail.alerts.ocsf";
    /** The sample account where root signs in and stops the organization trail. */
    private static final String SECURITY_ACCOUNT = "333333333333";

    private List<TestRecord<String, byte[]>> nativeAlerts;
    private List<TestRecord<String, byte[]>> ocsfCopies;
    private List<TestRecord<String, byte[]>> ocsfOnAlertsTopic;

    @BeforeAll
    void replayTheSampleLogs() {
        List<JsonNode> records = sampleRecords();
        replay(records, Map.of("topic.alerts.ocsf", OCSF_TOPIC), harness -> {
            nativeAlerts = harness.rawRecords("cloudtrail.alerts");
            ocsfCopies = harness.rawRecords(OCSF_TOPIC);
        });
        // The same topology with another serde on the alerts topic: one account's records are enough to show it.
        replay(records.stream().filter(r -> SECURITY_ACCOUNT.equals(r.path("recipientAccountId").asText())).toList(),
                Map.of("alerts.format", "ocsf"), harness -> ocsfOnAlertsTopic = harness.rawRecords("cloudtrail.alerts"));
    }

    @Test
    void everyNativeAlertFromTheSampleLogsMatchesThePublishedSchema() {
        assertThat(nativeAlerts).hasSizeGreaterThanOrEqualTo(10);
        assertThat(nativeAlerts).allSatisfy(record ->
                assertThat(AlertSchemas.NATIVE.violations(record.value())).as(text(record)).isEmpty());
        assertThat(nativeAlerts.stream().map(r -> json(r).path("ruleId").asText()).distinct())
                .as("the samples exercise watch-list, burst, correlation and baseline detections")
                .contains("cloudtrail-logging-stopped", "failed-console-login-burst", "console-bruteforce-success",
                        "foreign-account", "first-region-use");
    }

    @Test
    void everyOcsfFindingOnTheSecondTopicMatchesTheDetectionFindingSchema() {
        assertThat(ocsfCopies).hasSameSizeAs(nativeAlerts);
        assertThat(ocsfCopies).allSatisfy(record -> {
            assertThat(AlertSchemas.OCSF.violations(record.value())).as(text(record)).isEmpty();
            assertThat(json(record).path("class_uid").asInt()).isEqualTo(2004);
            assertThat(json(record).path("finding_info").path("uid").asText()).isEqualTo(record.key());
        });
    }

    @Test
    void theOcsfCopyCarriesEveryFieldOfTheNativeAlert() {
        var ocsf = AlertFormat.OCSF.serde().deserializer();
        var nativeSerde = AlertFormat.NATIVE.serde();
        for (int i = 0; i < nativeAlerts.size(); i++) {
            Alert expected = nativeSerde.deserializer().deserialize("t", nativeAlerts.get(i).value());
            Alert back = ocsf.deserialize("t", ocsfCopies.get(i).value());
            // OCSF timestamps are milliseconds; the native detectedAt may carry more digits.
            Alert truncated = expected.toBuilder()
                    .detectedAt(expected.detectedAt().truncatedTo(ChronoUnit.MILLIS)).build();
            assertThat(JSON.valueToTree(back).toString()).as(expected.alertId())
                    .isEqualTo(JSON.valueToTree(truncated).toString());
        }
    }

    @Test
    void alertsFormatOcsfWritesValidFindingsToTheAlertsTopicItself() {
        assertThat(ocsfOnAlertsTopic).isNotEmpty().allSatisfy(record -> {
            assertThat(AlertSchemas.OCSF.violations(record.value())).as(text(record)).isEmpty();
            assertThat(json(record).path("finding_info").path("uid").asText()).isEqualTo(record.key());
        });
        assertThat(ocsfOnAlertsTopic.stream().map(r -> json(r).at("/metadata/event_code").asText()))
                .contains("cloudtrail-logging-stopped", "root-console-login");
    }

    @Test
    void theNativeSchemaRefusesABrokenAlert() {
        ObjectNode alert = (ObjectNode) json(nativeAlerts.get(0));
        assertThat(AlertSchemas.NATIVE.violations(alert)).isEmpty();
        assertRefused(AlertSchemas.NATIVE, alert, a -> a.remove("alertId"), "alertId");
        assertRefused(AlertSchemas.NATIVE, alert, a -> a.put("severity", "SEVERE"), "severity");
        assertRefused(AlertSchemas.NATIVE, alert, a -> a.put("firstEventTime", "yesterday"), "firstEventTime");
        assertRefused(AlertSchemas.NATIVE, alert, a -> a.put("eventIds", "one"), "eventIds");
        assertRefused(AlertSchemas.NATIVE, alert, a -> a.putArray("mitre").add("Impair Defenses"), "mitre");
        assertRefused(AlertSchemas.NATIVE, alert, a -> a.put("alertId", "not-a-uuid"), "alertId");
    }

    @Test
    void theOcsfSchemaRefusesABrokenFinding() {
        ObjectNode finding = (ObjectNode) json(ocsfCopies.get(0));
        assertThat(AlertSchemas.OCSF.violations(finding)).isEmpty();
        assertRefused(AlertSchemas.OCSF, finding, f -> f.remove("class_uid"), "class_uid");
        assertRefused(AlertSchemas.OCSF, finding, f -> f.put("severity_id", 7), "severity_id");
        assertRefused(AlertSchemas.OCSF, finding, f -> f.put("severity", "Severe"), "severity");
        assertRefused(AlertSchemas.OCSF, finding, f -> f.put("type_uid", 200402), "type_uid");
        assertRefused(AlertSchemas.OCSF, finding, f -> f.put("time", "2025-03-10T14:02:05Z"), "time");
        assertRefused(AlertSchemas.OCSF, finding, f -> f.put("severityId", 4), "severityId");
        assertRefused(AlertSchemas.OCSF, finding, f -> ((ObjectNode) f.get("finding_info")).remove("uid"), "uid");
        assertRefused(AlertSchemas.OCSF, finding, f -> ((ObjectNode) f.get("metadata")).remove("product"),
                "product");
        assertRefused(AlertSchemas.OCSF, finding,
                f -> ((ArrayNode) f.withArray("evidences")).addObject().put("uid", "only-an-id"), "evidences");
        assertRefused(AlertSchemas.OCSF, finding,
                f -> ((ObjectNode) f.at("/evidences/0")).putObject("src_endpoint").put("ip", "10.0.0.256"), "ip");
    }

    private static void assertRefused(AlertSchemas schema, ObjectNode valid, Consumer<ObjectNode> breakIt,
                                      String mentioned) {
        ObjectNode broken = valid.deepCopy();
        breakIt.accept(broken);
        assertThat(schema.violations(broken)).as("violations of %s", broken).isNotEmpty()
                .anySatisfy(violation -> assertThat(violation).contains(mentioned));
    }

    private static void replay(List<JsonNode> records, Map<String, String> settings,
                               Consumer<TopologyHarness> read) {
        try (TopologyHarness harness = new TopologyHarness(settings, FlushSignal.onRequest())) {
            records.forEach(harness::pipeJson);
            harness.flush.request();
            harness.advanceWallClock(Duration.ofSeconds(1));
            read.accept(harness);
        }
    }

    /** The bundled CloudTrail files in event-time order, as {@code trailwatch scan} replays them. */
    static List<JsonNode> sampleRecords() {
        List<JsonNode> records = new ArrayList<>();
        try (InputStream index = AlertSchemaValidationTest.class.getResourceAsStream("/samples/index.txt")) {
            for (String file : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (file.isBlank()) {
                    continue;
                }
                try (InputStream gz = new GZIPInputStream(
                        AlertSchemaValidationTest.class.getResourceAsStream("/samples/" + file.trim()))) {
                    JSON.readTree(gz).path("Records").forEach(records::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records.sort(Comparator.comparing(r -> r.path("eventTime").asText()));
        return records;
    }

    private static JsonNode json(TestRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(TestRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
