package dev.trailwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.rules.RulePack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Every task of the detector reads one partition of one topic: each sub-topology that makes tasks has a single
 * source topic. That is what makes {@code max.task.idle.ms=-1} (the detector's default, {@code StreamsDefaults}) change
 * nothing but the cost: task idling only orders records across the several input partitions of one task. A topology
 * that joins two topics in one task must revisit that default.
 */
class OneTopicPerTaskTest {

    @Test
    void theDefaultTopologyReadsOneTopicPerTask() {
        assertOneTopicPerSubTopology(DetectorConfig.defaults(), RulePack.load(null));
    }

    @Test
    void everyOptionalDetectionAndSigmaCorrelationsStillReadOneTopicPerTask() throws URISyntaxException {
        Map<String, String> settings = new HashMap<>(GeoIpDatabases.settings());
        settings.put("burst.discovery.scope", "all");
        Path correlations = Path.of(getClass().getResource("/rules-sigma-correlations").toURI());

        assertOneTopicPerSubTopology(DetectorConfig.defaults().with(settings), RulePack.load(correlations));
    }

    @Test
    void taskIdlingIsOffByDefaultAndTheOperatorCanTurnItOn() {
        assertThat(DetectorConfig.defaults().streamsProperties().getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .isEqualTo("-1");
        assertThat(DetectorConfig.defaults().with(Map.of("kafka.max.task.idle.ms", "0")).streamsProperties()
                .getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("0");
    }

    private static void assertOneTopicPerSubTopology(DetectorConfig config, RulePack rules) {
        TopologyDescription description = DetectorTopology.build(config, rules,
                new TrailWatchMetrics(new SimpleMeterRegistry())).describe();
        List<TopologyDescription.Subtopology> subtopologies = List.copyOf(description.subtopologies());

        assertThat(subtopologies).hasSizeGreaterThan(1);
        for (TopologyDescription.Subtopology sub : subtopologies) {
            Set<String> topics = new TreeSet<>();
            sub.nodes().stream().filter(TopologyDescription.Source.class::isInstance)
                    .map(TopologyDescription.Source.class::cast)
                    .forEach(source -> {
                        assertThat(source.topicPattern()).as("source %s reads a pattern", source.name()).isNull();
                        topics.addAll(source.topicSet());
                    });
            assertThat(topics).as("sub-topology %d's source topics", sub.id()).hasSize(1);
        }
    }
}
