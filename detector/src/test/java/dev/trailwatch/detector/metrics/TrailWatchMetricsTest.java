package dev.trailwatch.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The read meters as Prometheus shows them: counts by account and source, last event time by account and region. */
class TrailWatchMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TrailWatchMetrics metrics = new TrailWatchMetrics(registry);

    private double read(String account, String source) {
        return registry.get("trailwatch.events.read").tag("account", account).tag("source", source).counter().count();
    }

    private double lastEventSeconds(String account, String region) {
        return registry.get("trailwatch.account.last.event.timestamp").tag("account", account).tag("region", region)
                .gauge().value();
    }

    @Test
    void countsEachAccountBySourceWhateverOrderTheSourcesComeIn() {
        metrics.eventRead("111111111111", "us-east-1", "s3", 1_000);
        metrics.eventRead("111111111111", "us-east-1", "connector", 2_000);
        metrics.eventRead("111111111111", "us-east-1", new String("s3"), 3_000);
        metrics.eventRead("222222222222", "us-east-1", "s3", 4_000);
        metrics.eventRead("111111111111", "eu-west-1", "connector", 5_000);

        assertThat(read("111111111111", "s3")).isEqualTo(2);
        assertThat(read("111111111111", "connector")).isEqualTo(2);
        assertThat(read("222222222222", "s3")).isEqualTo(1);
        assertThat(metrics.eventsRead()).isEqualTo(5);
    }

    @Test
    void keepsTheLatestEventTimeOfEachAccountAndRegionWhenEventsArriveOutOfOrder() {
        metrics.eventRead("111111111111", "us-east-1", "s3", 9_000);
        metrics.eventRead("111111111111", "us-east-1", "s3", 4_000);
        metrics.eventRead("111111111111", "eu-west-1", "s3", 2_000);
        metrics.eventRead("222222222222", "us-east-1", "s3", 7_000);

        assertThat(lastEventSeconds("111111111111", "us-east-1")).isEqualTo(9.0);
        assertThat(lastEventSeconds("111111111111", "eu-west-1")).isEqualTo(2.0);
        assertThat(lastEventSeconds("222222222222", "us-east-1")).isEqualTo(7.0);
    }

    @Test
    void namesWhatIsMissingUnknown() {
        metrics.eventRead(null, null, null, 1_000);

        assertThat(read("unknown", "unknown")).isEqualTo(1);
        assertThat(lastEventSeconds("unknown", "unknown")).isEqualTo(1.0);
    }
}
