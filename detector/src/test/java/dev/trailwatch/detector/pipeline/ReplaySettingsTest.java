package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.DetectorConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** scan's Streams settings sit under the user's own: what --config says wins. */
class ReplaySettingsTest {

    @Test
    void aScanRunsAtLeastOnceUncompressedWithShortCommitsByDefault() {
        Properties streams = ReplaySettings.under(DetectorConfig.fromMap(Map.of())).streamsProperties();

        assertThat(streams.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("at_least_once");
        assertThat(streams.getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("100");
        assertThat(streams.getProperty("producer.compression.type")).isEqualTo("none");
    }

    @Test
    void theUsersKafkaSettingsWinOverTheScanDefaults() {
        DetectorConfig user = DetectorConfig.fromMap(Map.of("kafka.processing.guarantee", "exactly_once_v2",
                "kafka.producer.compression.type", "zstd"));

        Properties streams = ReplaySettings.under(user).streamsProperties();

        assertThat(streams.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(streams.getProperty("producer.compression.type")).isEqualTo("zstd");
        assertThat(streams.getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("100");
    }
}
