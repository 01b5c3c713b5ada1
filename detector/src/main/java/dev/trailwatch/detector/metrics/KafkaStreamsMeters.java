package dev.trailwatch.detector.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.SuppliedKafkaMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Kafka Streams' own metrics (threads, tasks, stores, embedded clients) as Micrometer meters
 * ({@code kafka_stream_thread_process_rate}, {@code kafka_consumer_fetch_manager_records_lag}, ...).
 *
 * <p>Bind before {@link KafkaStreams#start()}: Micrometer discovers new Kafka metrics only on its refresh, and with
 * the default one-minute refresh the thread and task metrics of a starting client appear a minute late. Here the
 * refresh is {@link #DEFAULT_REFRESH} on a daemon thread of its own.
 *
 * <p>Except the RocksDB stores' property gauges ({@code estimate-num-keys}, {@code size-all-mem-tables},
 * {@code block-cache-usage}, ... of KIP-607): each read calls into the store's native RocksDB, and Kafka Streams 4.2
 * does not keep that read from racing the store's close (KAFKA-10025, open). A read from the refresh thread or a
 * Prometheus scrape while a task closes its stores (a rebalance, an exactly-once task fenced and closed) touched
 * freed native memory: a detector died in {@code RocksDB.getAggregatedLongProperty} (SIGSEGV) during
 * {@code OrderInvarianceIT}. Micrometer's binder reads every metric's value at each refresh to decide how to bind
 * it, so the gauges are taken out of the map it is given, not filtered after binding. Every other store, thread,
 * task and client metric is bound as before.
 */
public final class KafkaStreamsMeters implements AutoCloseable {

    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);

    private final SuppliedKafkaMetrics metrics;
    private final ScheduledExecutorService scheduler;

    private KafkaStreamsMeters(SuppliedKafkaMetrics metrics, ScheduledExecutorService scheduler) {
        this.metrics = metrics;
        this.scheduler = scheduler;
    }

    public static KafkaStreamsMeters bindTo(MeterRegistry registry, KafkaStreams streams) {
        return bindTo(registry, streams, DEFAULT_REFRESH, Tag.of("app", "trailwatch"));
    }

    public static KafkaStreamsMeters bindTo(MeterRegistry registry, KafkaStreams streams, Duration refresh,
            Tag... tags) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "trailwatch-streams-metrics");
            thread.setDaemon(true);
            return thread;
        });
        SuppliedKafkaMetrics metrics = bindTo(registry, () -> withoutNativeGauges(streams.metrics()), scheduler,
                refresh, tags);
        return new KafkaStreamsMeters(metrics, scheduler);
    }

    private static SuppliedKafkaMetrics bindTo(MeterRegistry registry,
                                               Supplier<Map<MetricName, ? extends Metric>> metrics,
                                               ScheduledExecutorService scheduler, Duration refresh, Tag... tags) {
        SuppliedKafkaMetrics binder = new SuppliedKafkaMetrics(metrics, List.of(tags), scheduler, refresh);
        binder.bindTo(registry);
        return binder;
    }

    /**
     * {@code metrics} without the gauges of RocksDB stores: the metrics tagged with a RocksDB store's id
     * ({@code rocksdb-state-id}, {@code rocksdb-window-state-id}, {@code rocksdb-session-state-id}) that are gauges,
     * not {@code Measurable}s: their value is a native call on each read. Those stores' recorded metrics (rates,
     * averages, statistics: {@code Measurable}s, read from memory) stay.
     */
    static Map<MetricName, ? extends Metric> withoutNativeGauges(Map<MetricName, ? extends Metric> metrics) {
        Map<MetricName, Metric> kept = new LinkedHashMap<>(metrics.size());
        metrics.forEach((name, metric) -> {
            if (!(isRocksDbStore(name) && metric instanceof KafkaMetric kafka && !kafka.isMeasurable())) {
                kept.put(name, metric);
            }
        });
        return kept;
    }

    private static boolean isRocksDbStore(MetricName name) {
        for (String tag : name.tags().keySet()) {
            if (tag.startsWith("rocksdb-") && tag.endsWith("-state-id")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives every state-store meter the same tag keys, so that Prometheus accepts them all: Kafka Streams names a
     * store's id tag after its type ({@code rocksdb-state-id}, {@code in-memory-state-id},
     * {@code rocksdb-window-state-id}, ...), and Prometheus refuses a second meter of one name with other tag keys.
     * Whichever kind of store registered first (the rules table in memory on the global thread, or the RocksDB stores
     * on the stream thread) won, and the other's meters were dropped with a warning. Here the tag is {@code state.id}
     * ({@code state_id} in Prometheus) and the type goes into {@code store.type}. Install on the registry before any
     * meter is registered.
     */
    public static MeterFilter storeTags() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("kafka.stream.state")) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                boolean renamed = false;
                for (Tag tag : id.getTagsAsIterable()) {
                    String type = storeType(tag.getKey());
                    if (type != null) {
                        char separator = tag.getKey().charAt(type.length());
                        tags.add(Tag.of("state" + separator + "id", tag.getValue()));
                        tags.add(Tag.of("store" + separator + "type", type.replace('.', '-')));
                        renamed = true;
                    } else {
                        tags.add(tag);
                    }
                }
                return renamed ? id.replaceTags(tags) : id;
            }
        };
    }

    /**
     * The store type a tag key names ({@code rocksdb} of {@code rocksdb-state-id}, {@code in.memory} of
     * {@code in.memory.state.id}: Micrometer's Kafka binder writes Kafka's dashes as dots), or null.
     */
    private static String storeType(String key) {
        for (String suffix : List.of("-state-id", ".state.id")) {
            if (key.endsWith(suffix) && key.length() > suffix.length()) {
                return key.substring(0, key.length() - suffix.length());
            }
        }
        return null;
    }

    /** Removes the meters from the registry and stops the refresh. */
    @Override
    public void close() {
        metrics.close();
        // Micrometer leaves a scheduler it was given running.
        scheduler.shutdownNow();
    }
}
