package dev.trailwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.topology.DetectorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Every processor, store and internal topic has an explicit name. Auto-generated names
 * (KSTREAM-AGGREGATE- plus a sequence number) shift when the graph changes, and state or repartition topics named after
 * them would be orphaned by an upgrade.
 */
class TopologyNamesTest {

    private final TopologyDescription description = DetectorTopology.build(DetectorConfig.defaults(),
            TopologyHarness.rules(), new TrailWatchMetrics(new SimpleMeterRegistry())).describe();

    @Test
    void namesEveryProcessorAndStoreExplicitly() {
        assertThat(description.toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-")
                .doesNotContain("KSTREAM-SOURCE").doesNotContain("-STATE-STORE-");
    }

    @Test
    void readsTheEventsTopicAndWritesAlertsAndDeadLetters() {
        String text = description.toString();
        assertThat(text).contains("topics: [cloudtrail.events]").contains("topic: cloudtrail.alerts")
                .contains("topic: cloudtrail.events.dlq");
    }

    @Test
    void keepsWatchListSuppressionStateInNamedStores() {
        assertThat(description.toString()).contains("watchlist-suppression").contains("watchlist-suppression-expiry");
    }
}
