package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.topology.ChangelogFreeStores;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;

/**
 * Kafka Streams settings for a replay of finite history driven in-process ({@code scan}, {@link ScanDriver}), layered
 * under whatever the user configured ({@code kafka.*} in {@code --config} wins, except where {@link #FORCED} says
 * otherwise). The topology is the production one; only where its state lives changes:
 *
 * <ul>
 *   <li><b>state stores in memory, without changelogs</b> ({@link ChangelogFreeStores}, and in-memory global tables
 *       through {@code dsl.store.suppliers.class}): nothing is ever restored from them, and the driver commits after
 *       every record, which flushes every store.</li>
 *   <li><b>no record cache</b>: with a commit per record it would copy every write once more.</li>
 * </ul>
 * {@link #FORCED} settings are those without which the driver would not work as a scan must: at-least-once (under
 * exactly-once the driver commits a transaction per record; the scan's state lives and dies with the process, so
 * there is nothing to protect) and no task idling (records would wait for the wall clock).
 */
public final class ReplaySettings {

    static final Map<String, String> DEFAULTS = defaults();

    /** Settings scan needs whatever {@code --config} says. */
    static final Map<String, String> FORCED = Map.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
            StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, String.valueOf(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));

    private ReplaySettings() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        d.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
                BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.getName());
        d.put(ChangelogFreeStores.SETTING, ChangelogFreeStores.class.getName());
        return Map.copyOf(d);
    }

    /** {@code config} with the replay defaults under the user's own {@code kafka.*} settings, and {@link #FORCED}. */
    public static DetectorConfig under(DetectorConfig config) {
        Map<String, String> added = new LinkedHashMap<>();
        DEFAULTS.forEach((key, value) -> {
            if (!config.kafka().containsKey(key)) {
                added.put(DetectorConfig.KAFKA_PREFIX + key, value);
            }
        });
        FORCED.forEach((key, value) -> added.put(DetectorConfig.KAFKA_PREFIX + key, value));
        return config.with(added);
    }
}
