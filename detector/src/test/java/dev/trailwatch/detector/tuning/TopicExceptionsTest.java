package dev.trailwatch.detector.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exceptions topic in the real topology: a tuning document published while the detector runs applies from the next
 * alert on, its tombstone lifts it, and a bad document is rejected with its reason while the previous one stays.
 */
class TopicExceptionsTest {

    private static final Instant T0 = Instant.parse("2024-05-14T10:00:00Z");
    private static final String RULE = "cloudtrail-logging-stopped";
    private static final String BOB_ROTATES = """
            exceptions:
              - id: bob-rotates-trails
                reason: bob's runbook stops and restarts the trail when rotating its bucket
                owner: secops
                rule: cloudtrail-logging-stopped
                when:
                  principal: "*:user/bob"
            """;

    private static TopologyHarness harness() {
        return new TopologyHarness(Map.of("topic.exceptions", "trailwatch.exceptions"), FlushSignal.never());
    }

    @Test
    void anExceptionPublishedWhileRunningAppliesFromTheNextAlertUntilItsTombstone() {
        try (TopologyHarness topology = harness()) {
            topology.pipe(TestEvents.stopLogging(T0).user("bob"));
            topology.pipeExceptions("trail-rotation", BOB_ROTATES);
            topology.pipe(TestEvents.stopLogging(T0.plusSeconds(3_600)).user("bob"));
            topology.pipe(TestEvents.stopLogging(T0.plusSeconds(3_601)).user("carol"));
            topology.pipeExceptions("trail-rotation", null);
            topology.pipe(TestEvents.stopLogging(T0.plusSeconds(7_200)).user("bob"));

            assertThat(topology.alertValues()).extracting(Alert::ruleId, a -> a.principal().replaceAll(".*/", ""))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(RULE, "bob"),
                            org.assertj.core.groups.Tuple.tuple(RULE, "carol"),
                            org.assertj.core.groups.Tuple.tuple(RULE, "bob"));
            assertThat(excepted(topology, "bob-rotates-trails")).isEqualTo(1);
        }
    }

    @Test
    void rejectsBadDocumentsWithTheirReasonAndKeepsThePreviousVersion() {
        try (TopologyHarness topology = harness()) {
            topology.pipeExceptions("trail-rotation", BOB_ROTATES);
            topology.pipeExceptions("trail-rotation", "exceptions: [ {id: x");
            topology.pipeExceptions("trail-rotation", BOB_ROTATES.replace("rule: cloudtrail-logging-stopped",
                    "rule: no-such-rule"));
            topology.pipeExceptions("thresholds", """
                    overrides:
                      - id: quieter-logins
                        reason: test
                        owner: secops
                        rule: failed-console-login-burst
                        settings: {threshold: 50}
                    """);

            topology.pipe(TestEvents.stopLogging(T0).user("bob"));
            topology.pipe(TestEvents.stopLogging(T0.plusSeconds(1)).user("carol"));
            assertThat(topology.alertValues()).singleElement()
                    .satisfies(alert -> assertThat(alert.principal()).endsWith("/carol"))
                    .satisfies(alert -> assertThat(alert.severity()).isEqualTo(Severity.HIGH));
            assertThat(rejected(topology, "invalid")).isEqualTo(1);
            assertThat(rejected(topology, "unknown-rule")).isEqualTo(1);
            assertThat(rejected(topology, "settings")).isEqualTo(1);
        }
    }

    @Test
    void takesTheOneLineJsonDocumentOfTheTuningPage() {
        try (TopologyHarness topology = harness()) {
            topology.pipeExceptions("trail-rotation", "{\"exceptions\":[{\"id\":\"bob-rotates-trails\",\"reason\":"
                    + "\"runbook RB-12\",\"owner\":\"secops\",\"rule\":\"cloudtrail-logging-stopped\",\"when\":"
                    + "{\"principal\":\"*:user/bob\"}}]}");
            topology.pipe(TestEvents.stopLogging(T0).user("bob"));
            assertThat(topology.alertValues()).isEmpty();
            assertThat(excepted(topology, "bob-rotates-trails")).isEqualTo(1);
        }
    }

    @Test
    void withoutAnExceptionsTopicNothingIsRead() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.stopLogging(T0).user("bob"));
            assertThat(topology.alertValues()).hasSize(1);
            assertThat(topology.metrics.registry().find("trailwatch.exceptions.topic.active").gauge()).isNull();
        }
    }

    private static double excepted(TopologyHarness topology, String exception) {
        Counter counter = topology.metrics.registry().find("trailwatch.alerts.excepted").tag("exception", exception)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double rejected(TopologyHarness topology, String reason) {
        return topology.metrics.registry().find("trailwatch.exceptions.rejected").tag("reason", reason).counters()
                .stream().mapToDouble(Counter::count).sum();
    }
}
