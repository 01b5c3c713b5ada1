package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.tuning.TuningException;
import dev.trailwatch.detector.tuning.TuningParser;
import dev.trailwatch.detector.tuning.TuningSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * LLMjacking reconnaissance: one caller reaching for Bedrock models region by region (Stratus Red Team
 * bedrock-enumerate-models-multiple-regions, replayed as its detonation writes it: InvokeModel with an invalid body in
 * six regions within seconds).
 */
class BedrockRegionSweepDetectorTest {

    private static final String ID = BedrockRegionSweepDetector.ID;
    private static final String MODEL = "anthropic.claude-3-sonnet-20240229-v1:0";
    private static final List<String> SIX = List.of("us-east-1", "us-west-2", "eu-west-1", "eu-west-3",
            "ap-northeast-1", "ap-southeast-2");

    /** A Bedrock runtime call as CloudTrail writes it for the Go SDK Stratus uses. */
    private static TestEvents bedrock(String eventName, String region, String ip, String errorCode, Instant time) {
        TestEvents e = TestEvents.event("bedrock.amazonaws.com", eventName, time).user("stratus-operator")
                .sourceIp(ip).set("awsRegion", region).set("readOnly", "true")
                .set("userAgent", "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 api/bedrockruntime#1.40.0");
        e.json().with("requestParameters").put("modelId", MODEL);
        if ("ValidationException".equals(errorCode)) {
            e.error(errorCode, "Malformed input request: #/max_tokens_to_sample: -1 is not greater or equal to 1");
        } else if (errorCode != null) {
            e.error(errorCode, "You don't have access to the model with the specified model ID.");
        }
        return e;
    }

    /** The detonation: InvokeModel in six regions, two seconds apart, from one host. */
    private static List<TestEvents> detonation(String errorCode) {
        List<TestEvents> calls = new ArrayList<>();
        for (int i = 0; i < SIX.size(); i++) {
            calls.add(bedrock("InvokeModel", SIX.get(i), ATTACKER, errorCode, atSeconds(2L * i)));
        }
        return calls;
    }

    /** The last update of each alert of the detection, after stream time has passed the window and its grace. */
    private static Map<String, Alert> lastAlerts(List<TestEvents> events) {
        try (TopologyHarness topology = new TopologyHarness()) {
            events.forEach(topology::pipe);
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", at(Duration.ofHours(1))));
            Map<String, Alert> last = new TreeMap<>();
            alertsOf(topology, ID).forEach(alert -> last.put(alert.alertId(), alert));
            return last;
        }
    }

    @Test
    void sixRegionsFailingValidationWithinSecondsAreOneMediumSweep() {
        Map<String, Alert> alerts = lastAlerts(detonation("ValidationException"));

        assertThat(alerts.values()).singleElement().satisfies(alert -> {
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.principal()).isEqualTo(BurstEvents.arn("stratus-operator"));
            assertThat(alert.sourceIp()).isEqualTo(ATTACKER);
            assertThat(alert.eventCount()).isEqualTo(6);
            assertThat(alert.title()).isEqualTo("Bedrock models probed in 6 regions by "
                    + BurstEvents.arn("stratus-operator"));
            assertThat(alert.evidence()).containsEntry("regions", SIX).containsEntry("models", List.of(MODEL))
                    .containsEntry("outcomes", List.of("ValidationException")).containsEntry("threshold", 3)
                    .containsEntry("window", "10m");
            assertThat(alert.description()).contains("6 regions").contains(MODEL).contains("ValidationException");
        });
    }

    @Test
    void aRefusedSweepIsTheSameMediumAlert() {
        Map<String, Alert> alerts = lastAlerts(detonation("AccessDeniedException"));

        assertThat(alerts.values()).singleElement().satisfies(alert -> {
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.evidence()).containsEntry("outcomes", List.of("AccessDeniedException"));
        });
    }

    @Test
    void catalogueReadsAndAllowedCallsCountWithTheRefusedOnes() {
        List<TestEvents> calls = List.of(
                bedrock("ListFoundationModels", "us-east-1", ATTACKER, null, atSeconds(0)),
                bedrock("GetFoundationModelAvailability", "eu-central-1", ATTACKER, null, atSeconds(5)),
                bedrock("Converse", "ap-south-1", ATTACKER, "AccessDeniedException", atSeconds(9)));
        calls.get(0).json().with("requestParameters").remove("modelId");

        assertThat(lastAlerts(calls).values()).singleElement().satisfies(alert -> {
            assertThat(alert.evidence()).containsEntry("regions", List.of("us-east-1", "eu-central-1", "ap-south-1"))
                    .containsEntry("models", List.of(MODEL))
                    .containsEntry("outcomes", List.of("ok", "AccessDeniedException"));
        });
    }

    @Test
    void twoRegionsAreNoSweepHoweverManyModelsAndOutcomes() {
        List<TestEvents> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestEvents call = bedrock("InvokeModel", i % 2 == 0 ? "us-east-1" : "us-west-2", ATTACKER,
                    i % 3 == 0 ? "ValidationException" : null, atSeconds(i));
            call.json().with("requestParameters").put("modelId", "amazon.titan-text-v" + (i % 5));
            calls.add(call);
        }

        assertThat(lastAlerts(calls)).isEmpty();
    }

    @Test
    void anOverrideOfTheThresholdMakesTwoRegionsASweep() throws TuningException {
        TuningSet lower = TuningParser.parse("test.yml", """
                overrides:
                  - id: two-regions
                    reason: no workload of ours calls Bedrock outside one region
                    owner: soc
                    rule: bedrock-region-sweep
                    settings: {threshold: 2}
                """);
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.never(), lower)) {
            topology.pipe(bedrock("InvokeModel", "us-east-1", ATTACKER, null, atSeconds(0)));
            assertThat(alertsOf(topology, ID)).isEmpty();

            topology.pipe(bedrock("InvokeModel", "us-west-2", ATTACKER, null, atSeconds(3)));
            assertThat(alertsOf(topology, ID)).singleElement()
                    .satisfies(alert -> assertThat(alert.evidence()).containsEntry("threshold", 2));
        }
    }

    @Test
    void oneRoleCallingFromThreeAddressesInThreeRegionsIsAMultiRegionAppNotASweep() {
        List<TestEvents> calls = List.of(
                bedrock("InvokeModel", "us-east-1", "198.51.100.10", null, atSeconds(0)),
                bedrock("InvokeModel", "eu-west-1", "198.51.100.20", null, atSeconds(1)),
                bedrock("InvokeModel", "ap-southeast-2", "198.51.100.30", null, atSeconds(2)));

        assertThat(lastAlerts(calls)).isEmpty();
    }

    @Test
    void otherServicesAndCallsMadeByAwsAreNotCounted() {
        List<TestEvents> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(TestEvents.event("ec2.amazonaws.com", "DescribeRegions", atSeconds(i)).user("stratus-operator")
                    .sourceIp(ATTACKER).set("awsRegion", SIX.get(i)));
            TestEvents byService = bedrock("InvokeModel", SIX.get(i), ATTACKER, null, atSeconds(i));
            byService.json().with("userIdentity").put("invokedBy", "bedrock.amazonaws.com");
            calls.add(byService);
        }

        assertThat(lastAlerts(calls)).isEmpty();
    }

    /**
     * A person in the Bedrock console switching it between three regions: each page reads the catalogue and a model's
     * availability with the console session's credentials (sessionCredentialFromConsole), from the browser's address.
     */
    @Test
    void aConsoleUserBrowsingThreeRegionsIsNoSweep() {
        List<TestEvents> pages = new ArrayList<>();
        List<String> regions = List.of("us-east-1", "us-west-2", "eu-central-1");
        for (int i = 0; i < regions.size(); i++) {
            pages.add(consolePage(bedrock("ListFoundationModels", regions.get(i), ATTACKER, null, atSeconds(20L * i))));
            pages.add(consolePage(bedrock("GetFoundationModelAvailability", regions.get(i), ATTACKER, null,
                    atSeconds(20L * i + 1))));
        }

        assertThat(lastAlerts(pages)).isEmpty();
    }

    @Test
    void programmaticCallsOfTheSameCallerStillMakeTheSweepBesideItsConsolePages() {
        List<TestEvents> calls = new ArrayList<>();
        calls.add(consolePage(bedrock("ListFoundationModels", "us-east-1", ATTACKER, null, atSeconds(0))));
        calls.add(consolePage(bedrock("ListFoundationModels", "us-west-2", ATTACKER, null, atSeconds(1))));
        calls.add(bedrock("InvokeModel", "eu-west-1", ATTACKER, "AccessDeniedException", atSeconds(2)));
        calls.add(bedrock("InvokeModel", "eu-west-3", ATTACKER, "AccessDeniedException", atSeconds(3)));
        assertThat(lastAlerts(calls)).as("two programmatic regions").isEmpty();

        calls.add(bedrock("InvokeModel", "ap-northeast-1", ATTACKER, "AccessDeniedException", atSeconds(4)));
        assertThat(lastAlerts(calls).values()).singleElement().satisfies(alert -> {
            assertThat(alert.eventCount()).isEqualTo(3);
            assertThat(alert.evidence()).containsEntry("regions", List.of("eu-west-1", "eu-west-3", "ap-northeast-1"));
        });
    }

    /** The call as the console makes it: a browser's user agent and the console session's flag. */
    private static TestEvents consolePage(TestEvents call) {
        if ("ListFoundationModels".equals(call.json().path("eventName").asText())) {
            call.json().with("requestParameters").remove("modelId");
        }
        return call.set("sessionCredentialFromConsole", "true")
                .set("userAgent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Safari/537.36");
    }

    @Test
    void callsInReverseOrderMakeTheSameAlert() {
        List<TestEvents> forward = detonation("ValidationException");
        List<TestEvents> reverse = new ArrayList<>(forward);
        Collections.reverse(reverse);

        Map<String, Alert> inOrder = lastAlerts(forward);
        Map<String, Alert> reversed = lastAlerts(reverse);

        assertThat(reversed).hasSize(1).containsOnlyKeys(inOrder.keySet());
        Alert a = inOrder.values().iterator().next();
        Alert b = reversed.values().iterator().next();
        assertThat(b.title()).isEqualTo(a.title());
        assertThat(b.description()).isEqualTo(a.description());
        assertThat(b.evidence()).isEqualTo(a.evidence());
        assertThat(b.eventIds()).isEqualTo(a.eventIds());
        assertThat(b.eventCount()).isEqualTo(6);
        assertThat(b.firstEventTime()).isEqualTo(a.firstEventTime());
        assertThat(b.lastEventTime()).isEqualTo(a.lastEventTime());
    }
}
