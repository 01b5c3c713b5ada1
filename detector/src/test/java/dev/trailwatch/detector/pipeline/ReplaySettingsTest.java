package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.DetectorConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.junit.jupiter.api.Test;

/** scan's Streams settings sit under the user's own (what --config says wins), except the few the driver needs. */
class ReplaySettingsTest {

    @Test
    void aScanRunsAtLeastOnceWithoutIdlingWithInMemoryUncachedStoresByDefault() {
        Properties streams = ReplaySettings.under(DetectorConfig.fromMap(Map.of())).streamsProperties();

        assertThat(streams.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("at_least_once");
        assertThat(streams.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
        assertThat(streams.getProperty(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo("0");
        assertThat(streams.getProperty(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG))
                .isEqualTo(BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.getName());
    }

    @Test
    void theUsersKafkaSettingsWinOverTheScanDefaultsButNotOverWhatTheDriverNeeds() {
        DetectorConfig user = DetectorConfig.fromMap(Map.of("kafka.processing.guarantee", "exactly_once_v2",
                "kafka.max.task.idle.ms", "500", "kafka.statestore.cache.max.bytes", "1048576"));

        Properties streams = ReplaySettings.under(user).streamsProperties();

        assertThat(streams.getProperty(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo("1048576");
        assertThat(streams.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("at_least_once");
        assertThat(streams.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
    }
}
