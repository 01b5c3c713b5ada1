package dev.trailwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.pipeline.ReplaySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scan's state stores write no changelog and live in memory; the live detector's are persistent and logged, and both
 * run the same graph to the same alerts.
 */
class ChangelogFreeStoresTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void scansStoresWriteNoChangelogAndLiveInMemoryWhileTheLiveDetectorsDoNotAndTheAlertsAreTheSame() {
        DetectorConfig live = DetectorConfig.defaults().with(Map.of("reorder.horizon", "0s"));
        DetectorConfig scan = ReplaySettings.under(live);

        List<TestEvents> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(i % 4 == 0 ? TestEvents.stopLogging(T0.plusSeconds(i)).user("mallory")
                    : TestEvents.event("iam.amazonaws.com", "ListUsers", T0.plusSeconds(i)).user("u" + i % 3)
                    .error("AccessDenied", "denied"));
        }

        Run liveRun = run(live, dir.resolve("live"), events);
        Run scanRun = run(scan, dir.resolve("scan"), events);

        assertThat(liveRun.changelogs()).as("the live detector's changelogs").isNotEmpty();
        assertThat(scanRun.changelogs()).as("scan's changelogs").isEmpty();
        assertThat(liveRun.persistentStores()).as("the live detector's persistent stores")
                .contains("first-use-baseline");
        assertThat(scanRun.persistentStores()).as("scan's persistent stores").isEmpty();
        assertThat(scanRun.stores()).isEqualTo(liveRun.stores());
        assertThat(scanRun.alerts()).isNotEmpty().isEqualTo(liveRun.alerts());
        assertThat(build(scan).describe()).isEqualTo(build(live).describe());
    }

    @Test
    void withoutTheSwitchTheBuilderIsThePlainOne() {
        Properties streams = DetectorConfig.defaults().streamsProperties();

        assertThat(streams).doesNotContainKey(ChangelogFreeStores.SETTING);
        assertThat(ReplaySettings.under(DetectorConfig.defaults()).streamsProperties())
                .containsEntry(ChangelogFreeStores.SETTING, ChangelogFreeStores.class.getName());
    }

    private record Run(Set<String> changelogs, List<String> alerts, Set<String> stores,
                       Set<String> persistentStores) {
    }

    private static Topology build(DetectorConfig config) {
        return DetectorTopology.build(config, TopologyHarness.rules(),
                new TrailWatchMetrics(new SimpleMeterRegistry()));
    }

    private static Run run(DetectorConfig config, Path stateDir, List<TestEvents> events) {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
        Topics topics = Topics.from(config);
        try (TopologyTestDriver driver = new TopologyTestDriver(DetectorTopology.build(config,
                TopologyHarness.rules(), metrics), props)) {
            var input = driver.createInputTopic(topics.events().name(), Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            for (TestEvents event : events) {
                input.pipeInput(new TestRecord<>(TestEvents.ACCOUNT, event.bytes(),
                        Instant.parse(event.json().get("eventTime").asText())));
            }
            List<String> alerts = driver.createOutputTopic(topics.alerts().name(), Serdes.String().deserializer(),
                    topics.alerts().valueSerde().deserializer()).readValuesToList().stream()
                    .map(a -> a.alertId() + " " + a.ruleId() + " " + a.severity() + " " + a.eventIds() + " "
                            + a.eventCount()).toList();
            Set<String> changelogs = driver.producedTopicNames().stream().filter(t -> t.endsWith("-changelog"))
                    .collect(Collectors.toSet());
            Set<String> stores = new TreeSet<>(driver.getAllStateStores().keySet());
            Set<String> persistent = driver.getAllStateStores().entrySet().stream()
                    .filter(store -> store.getValue().persistent()).map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(TreeSet::new));
            return new Run(changelogs, alerts, stores, persistent);
        }
    }
}
