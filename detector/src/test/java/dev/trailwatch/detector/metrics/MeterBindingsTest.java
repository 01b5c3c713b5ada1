package dev.trailwatch.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeterBindingsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void bindsTheStandardJvmAndProcessMeters() {
        JvmMeters meters = JvmMeters.bindTo(registry);
        try {
            assertThat(registry.scrape()).contains(
                    "jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                    "system_cpu_count", "process_uptime_seconds", "process_files_open_files", "jvm_gc_");
        } finally {
            meters.close();
        }
    }

    @Test
    void bindsKafkaStreamsMetersAndRemovesThemOnClose(@TempDir Path stateDir) {
        // Not started: binding happens before start(), and an unstarted client connects to nothing.
        try (KafkaStreams streams = new KafkaStreams(passThrough(), streamsConfig(stateDir))) {
            KafkaStreamsMeters meters = KafkaStreamsMeters.bindTo(registry, streams, Duration.ofSeconds(1),
                    Tag.of("app", "trailwatch-test"));

            assertThat(kafkaMeterCount()).isPositive();
            assertThat(registry.getMeters()).filteredOn(m -> m.getId().getName().startsWith("kafka."))
                    .allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("trailwatch-test"));

            meters.close();

            assertThat(kafkaMeterCount()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("trailwatch-streams-metrics")));
        }
    }

    @Test
    void rocksDbPropertyGaugesAreNotHandedToTheBinderAndEveryOtherMetricIs() {
        // registered as Kafka Streams 4.2 registers them (RocksDBMetricsRecorder, StreamsMetricsImpl)
        try (Metrics kafka = new Metrics()) {
            Map<String, String> rocksdb = Map.of("thread-id", "s1", "task-id", "0_0",
                    "rocksdb-state-id", "first-use-baseline");
            Map<String, String> window = Map.of("thread-id", "s1", "task-id", "0_1",
                    "rocksdb-window-state-id", "discovery-burst-calls");
            Map<String, String> inMemory = Map.of("thread-id", "g", "task-id", "-1_-1",
                    "in-memory-state-id", "watchlist-topic-rules");
            AtomicInteger nativeReads = new AtomicInteger();
            Gauge<BigInteger> nativeRead = (config, now) -> {
                nativeReads.incrementAndGet();
                return BigInteger.ONE;
            };
            kafka.addMetric(kafka.metricName("estimate-num-keys", "stream-state-metrics", "", rocksdb), nativeRead);
            kafka.addMetric(kafka.metricName("block-cache-usage", "stream-state-metrics", "", window), nativeRead);
            kafka.addMetric(kafka.metricName("put-rate", "stream-state-metrics", "", rocksdb), new Rate());
            kafka.addMetric(kafka.metricName("bytes-written-rate", "stream-state-metrics", "", window), new Rate());
            kafka.addMetric(kafka.metricName("estimate-num-keys", "stream-state-metrics", "", inMemory),
                    (Gauge<Long>) (config, now) -> 7L);
            kafka.addMetric(kafka.metricName("alive-stream-threads", "stream-metrics", "", Map.of("client-id", "c")),
                    (Gauge<Integer>) (config, now) -> 1);

            Map<MetricName, ? extends Metric> kept = KafkaStreamsMeters.withoutNativeGauges(kafka.metrics());

            assertThat(kept.keySet()).extracting(name -> name.name() + " " + name.tags().keySet().stream()
                            .filter(tag -> tag.endsWith("state-id")).findFirst().orElse("-"))
                    .contains("put-rate rocksdb-state-id", "bytes-written-rate rocksdb-window-state-id",
                            "estimate-num-keys in-memory-state-id", "alive-stream-threads -")
                    .doesNotContain("estimate-num-keys rocksdb-state-id", "block-cache-usage rocksdb-window-state-id");
            assertThat(kept).hasSize(kafka.metrics().size() - 2);
            assertThat(nativeReads).as("deciding must not read a native gauge").hasValue(0);
        }
    }

    @Test
    void storeMetersOfEveryStoreTypeReachPrometheusUnderOneSetOfTagKeys() {
        PrometheusMeterRegistry plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry filtered = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        filtered.config().meterFilter(KafkaStreamsMeters.storeTags());
        for (PrometheusMeterRegistry r : new PrometheusMeterRegistry[] {plain, filtered}) {
            // as Micrometer's Kafka binder tags them (Kafka's dashes as dots): the rules table in memory (global
            // thread), a burst store in RocksDB (stream thread)
            r.gauge("kafka.stream.state.put.rate", java.util.List.of(Tag.of("thread.id", "g"),
                    Tag.of("task.id", "-1_-1"), Tag.of("in.memory.state.id", "watchlist-topic-rules")), 1.0);
            r.gauge("kafka.stream.state.put.rate", java.util.List.of(Tag.of("thread.id", "s1"),
                    Tag.of("task.id", "0_0"), Tag.of("rocksdb.state.id", "credential-harvesting-burst-state")), 2.0);
            // and as Kafka names them, should a binder keep the dashes
            r.gauge("kafka.stream.state.get.rate", java.util.List.of(Tag.of("thread-id", "s1"),
                    Tag.of("task-id", "0_0"), Tag.of("rocksdb-window-state-id", "discovery-burst-calls")), 3.0);
        }

        // Prometheus refuses a second meter of one name with other tag keys: one store type's meters were lost
        assertThat(plain.scrape()).doesNotContain("credential-harvesting-burst-state");
        assertThat(filtered.scrape())
                .contains("state_id=\"watchlist-topic-rules\"", "store_type=\"in-memory\"")
                .contains("state_id=\"credential-harvesting-burst-state\"", "store_type=\"rocksdb\"")
                .contains("state_id=\"discovery-burst-calls\"", "store_type=\"rocksdb-window\"");
    }

    private long kafkaMeterCount() {
        return registry.getMeters().stream().map(Meter::getId).filter(id -> id.getName().startsWith("kafka.")).count();
    }

    private static org.apache.kafka.streams.Topology passThrough() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static Properties streamsConfig(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "meter-bindings-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }
}
