package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Records the detector cannot read go to the dead-letter topic unchanged, with the reason, and are counted. */
class DeadLetterTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void deadLettersARecordThatIsNotJsonWithItsBytesAndReason() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipeRaw("{\"eventID\": \"x\", oops", T0);

            List<TestRecord<String, byte[]>> dead = topology.deadLetters();
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"eventID\": \"x\", oops");
            assertThat(dead.get(0).key()).isEqualTo(TestEvents.ACCOUNT);
            assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON)).isEqualTo("parse");
            assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.DETAIL)).startsWith("not JSON");
            assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.ORIGIN)).startsWith("cloudtrail.events-");
            assertThat(topology.metrics.eventsRejected()).isEqualTo(1);
            assertThat(topology.alerts()).isEmpty();
        }
    }

    @Test
    void deadLettersJsonThatIsNotAnObject() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipeRaw("[{\"eventID\": \"1\"}]", T0);

            assertThat(reasons(topology)).containsExactly("not_object");
        }
    }

    @Test
    void deadLettersEmptyRecords() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipeRaw("", T0);

            assertThat(reasons(topology)).containsExactly("parse");
        }
    }

    @Test
    void deadLettersEventsMissingARequiredFieldNamingTheField() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.stopLogging(T0).remove("eventSource"));

            TestRecord<String, byte[]> dead = topology.deadLetters().get(0);
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("missing_field");
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.DETAIL)).contains("eventSource");
            assertThat(topology.alerts()).isEmpty();
        }
    }

    @Test
    void deadLettersAnEventTimeThatIsNotAnInstant() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipeRaw(TestEvents.stopLogging(T0).set("eventTime", "yesterday").json().toString(), T0);

            assertThat(reasons(topology)).containsExactly("bad_event_time");
        }
    }

    @Test
    void keepsProcessingGoodRecordsAroundBadOnes() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(TestEvents.stopLogging(T0).user("mallory"));
            topology.pipeRaw("garbage", T0.plusSeconds(1));
            topology.pipe(TestEvents.stopLogging(T0.plusSeconds(2)).user("trent"));

            assertThat(topology.alertValues()).extracting(a -> a.principal())
                    .containsExactly("arn:aws:iam::111122223333:user/mallory", "arn:aws:iam::111122223333:user/trent");
            assertThat(topology.deadLetters()).hasSize(1);
            assertThat(topology.metrics.eventsRead()).isEqualTo(2);
        }
    }

    private static List<String> reasons(TopologyHarness topology) {
        return topology.deadLetters().stream()
                .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).toList();
    }
}
