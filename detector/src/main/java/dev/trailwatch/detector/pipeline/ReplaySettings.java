package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.topology.ChangelogFreeStores;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings for a replay of finite history on the private in-process broker ({@code scan}), layered
 * under whatever the user configured ({@code kafka.*} in {@code --config} wins). The topology is the production one;
 * only how records move through Kafka changes:
 *
 * <ul>
 *   <li><b>at-least-once</b> instead of exactly-once. The broker lives and dies with the scan, so there is nothing to
 *       recover into: a failed stream thread fails the scan (see {@link #threadFailureMessage()}) instead of being
 *       replayed into. What exactly-once cost here was a transaction per commit (producer flush, offsets in the
 *       transaction, commit markers on every partition written): about a fifth of the stream thread's wall time in a
 *       profile of a 300,000-event scan.</li>
 *   <li><b>no compression</b> between the processes' threads: every byte stays on loopback in one JVM, and LZ4
 *       compressed once by the producer was decompressed again by the broker (validation) and by the consumer.</li>
 *   <li><b>larger fetches and buffers</b>: a replay is one long backlog, read as fast as the stream thread goes.</li>
 *   <li><b>state stores without changelogs</b> ({@link ChangelogFreeStores}): nothing is ever restored from them;
 *       their writes were about 9% of the stream thread.</li>
 * </ul>
 * The commit interval stays short (100 ms): the end-of-input check waits for commits ({@link Completion}).
 */
public final class ReplaySettings {

    static final Map<String, String> DEFAULTS = defaults();

    private ReplaySettings() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        d.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        d.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
        d.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), String.valueOf(256 * 1024));
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                String.valueOf(8 * 1024 * 1024));
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "2000");
        d.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, "4000");
        d.put(ChangelogFreeStores.SETTING, ChangelogFreeStores.class.getName());
        return Map.copyOf(d);
    }

    /** {@code config} with the replay defaults under the user's own {@code kafka.*} settings. */
    public static DetectorConfig under(DetectorConfig config) {
        Map<String, String> added = new LinkedHashMap<>();
        DEFAULTS.forEach((key, value) -> {
            if (!config.kafka().containsKey(key)) {
                added.put(DetectorConfig.KAFKA_PREFIX + key, value);
            }
        });
        return config.with(added);
    }

    /**
     * Why a scan whose stream thread failed cannot be trusted: under at-least-once the replacement thread re-reads from
     * the last commit into state that already holds part of what it re-reads, so counts and first sightings may
     * differ from a clean run.
     */
    public static String threadFailureMessage() {
        return "a detector stream thread failed during the scan (see the log above); its alerts could differ from a "
                + "clean run, so none are reported";
    }
}
