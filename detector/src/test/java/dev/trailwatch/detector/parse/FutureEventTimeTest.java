package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.deadletter.DeadLetters;
import dev.trailwatch.detector.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * An event dated further ahead of the detector's clock than {@code events.max.future} is dead-lettered before any
 * detection sees it; one within the limit is analysed, and its alert is not stamped ahead of the clock.
 */
class FutureEventTimeTest {

    @Test
    void deadLettersAnEventBeyondTheLimitAndAlertsOnOneWithinIt() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("events.max.future", "15m"), FlushSignal.never())) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            TestEvents within = TestEvents.stopLogging(now.plus(Duration.ofMinutes(14))).user("within");
            TestEvents beyond = TestEvents.stopLogging(now.plus(Duration.ofMinutes(16))).user("beyond");

            topology.pipe(within).pipe(beyond);

            List<TestRecord<String, Alert>> alerts = topology.alerts();
            assertThat(alerts).singleElement().satisfies(alert -> {
                assertThat(alert.value().eventIds()).containsExactly(within.eventId());
                assertThat(alert.timestamp()).as("never stamped ahead of the clock")
                        .isLessThanOrEqualTo(System.currentTimeMillis());
            });
            assertThat(topology.deadLetters()).singleElement().satisfies(dead -> {
                assertThat(dead.value()).isEqualTo(beyond.bytes());
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("future_event_time");
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.DETAIL))
                        .contains("min ahead of this detector's clock", "events.max.future PT15M");
                assertThat(dead.timestamp()).as("stamped when dead-lettered")
                        .isLessThanOrEqualTo(System.currentTimeMillis());
            });
            assertThat(topology.metrics.eventsRejectedByReason()).containsEntry("future_event_time", 1L);
        }
    }
}
