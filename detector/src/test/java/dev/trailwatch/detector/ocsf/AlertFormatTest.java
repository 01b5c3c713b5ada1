package dev.trailwatch.detector.ocsf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.pipeline.TopicSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The settings that choose the alert format and the OCSF copy, and how they wire the sinks. */
class AlertFormatTest {

    @Test
    void writesTheNativeContractByDefaultWithNoSecondTopic() {
        DetectorConfig config = DetectorConfig.defaults();
        assertThat(config.get(Settings.ALERTS_FORMAT)).isEqualTo(AlertFormat.NATIVE);
        assertThat(Topics.from(config).ocsfAlerts()).isEmpty();
    }

    @Test
    void refusesAnUnknownFormatNamingTheChoices() {
        assertThatThrownBy(() -> DetectorConfig.defaults().with(Map.of("alerts.format", "cef")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.format").hasMessageContaining("native or ocsf");
    }

    @Test
    void refusesAnOcsfCopyOnTheAlertsTopicItself() {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("topic.alerts.ocsf", "cloudtrail.alerts"));
        assertThatThrownBy(() -> Topics.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.format=ocsf");
    }

    @Test
    void theOcsfCopyGetsANamedSinkPerDetectorAndIsCreatedWithTheOtherTopics() {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("topic.alerts.ocsf", "security-lake.findings"));
        String description = DetectorTopology.build(config, TopologyHarness.rules(),
                new TrailWatchMetrics(new SimpleMeterRegistry())).describe().toString();
        assertThat(description).contains("topic: security-lake.findings").contains("watchlist-write-ocsf-alerts")
                .doesNotContain("KSTREAM-");
        assertThat(TopicSetup.required(config, 3, (short) 1)).extracting(NewTopic::name)
                .contains("cloudtrail.alerts", "security-lake.findings");
    }
}
