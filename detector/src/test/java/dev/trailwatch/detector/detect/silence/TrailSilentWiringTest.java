package dev.trailwatch.detector.detect.silence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.SilenceSettings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.topology.DetectorTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * trail-silent in the real {@code DetectorTopology}: its settings are known to the configuration, its alerts reach the
 * alerts topic keyed by alert id, and the resume follow-up follows. Needs the detector wired into
 * {@code DetectorTopology.detectors()} and {@code SilenceSettings.ALL} into {@code Settings.ALL}.
 */
class TrailSilentWiringTest {

    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    private static TestEvents call(String region, int minute) {
        return TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plus(Duration.ofMinutes(minute)))
                .set("awsRegion", region);
    }

    private static List<TestRecord<String, Alert>> silenceAlerts(TopologyHarness topology) {
        return topology.alerts().stream().filter(r -> TrailSilentDetector.ID.equals(r.value().ruleId())).toList();
    }

    @Test
    void alertsWhenARegionFallsSilentInTheDetectorTopology() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("silence.after", "20m",
                "silence.min-events", "5"), FlushSignal.never())) {
            for (int minute = 0; minute < 5; minute++) {
                topology.pipe(call("us-east-1", minute)).pipe(call("eu-west-1", minute));
                topology.advanceWallClock(Duration.ofMinutes(1));
            }
            for (int minute = 5; minute < 30; minute++) {
                topology.pipe(call("us-east-1", minute));
                topology.advanceWallClock(Duration.ofMinutes(1));
            }

            List<TestRecord<String, Alert>> silences = silenceAlerts(topology);
            assertThat(silences).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo(record.value().alertId());
                assertThat(record.value().severity()).isEqualTo(Severity.MEDIUM);
                assertThat(record.value().accountId()).isEqualTo(TestEvents.ACCOUNT);
                assertThat(record.value().region()).isEqualTo("eu-west-1");
            });

            topology.pipe(call("eu-west-1", 30));
            assertThat(silenceAlerts(topology)).singleElement().satisfies(record -> {
                assertThat(record.value().severity()).isEqualTo(Severity.LOW);
                assertThat(record.value().region()).isEqualTo("eu-west-1");
                assertThat(record.value().evidence()).containsEntry("silenceAlertId",
                        silences.get(0).value().alertId());
            });
        }
    }
}
