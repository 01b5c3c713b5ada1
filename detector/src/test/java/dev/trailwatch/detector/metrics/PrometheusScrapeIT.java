package dev.trailwatch.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.pipeline.LocalPipeline;
import dev.trailwatch.ingest.source.RecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the {@code prometheus} binary, which {@code .ci/run} installs) scrapes a running detector on
 * loopback, and its query API shows the series docs/operations.md documents, with the values the detector processed.
 * Skipped where no {@code prometheus} binary is installed.
 */
class PrometheusScrapeIT {

    private static final String JOB = "trailwatch-detector";
    private static final String OTHER_ACCOUNT = "444455556666";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Outside the temp dir, so it is still there to read when the test fails. */
    private static final Path LOG = Path.of("target", "prometheus-scrape-it.log");

    /** Well in the past (brokers refuse timestamps far ahead), recent enough for any retention. */
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int prometheusPort;
    private Process prometheus;

    @Test
    void prometheusScrapesTheDocumentedSeriesWithWhatTheDetectorProcessed(@TempDir Path tmp) throws Exception {
        Optional<Path> binary = prometheusBinary();
        assumeTrue(binary.isPresent(), "no prometheus binary on PATH or at /usr/bin/prometheus: skipped "
                + "(.ci/run installs Debian's package: apt-get install --no-install-recommends prometheus)");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrailWatchMetrics metrics = new TrailWatchMetrics(registry);
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", "prometheus-scrape-it"));
        try (JvmMeters jvm = JvmMeters.bindTo(registry);
             LocalPipeline pipeline = LocalPipeline.start(config, metrics, FlushSignal.never());
             MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry, pipeline.detector()::ready)) {
            feed(pipeline.bootstrapServers());
            await().atMost(WAIT).until(() -> metrics.eventsRead() == 6
                    && metrics.eventsRejectedByReason().equals(Map.of("parse", 3L))
                    && loggingStoppedAlerts(metrics) == 1);

            startPrometheus(binary.get(), server.port(), tmp);
            try {
                assertScraped(LOG);
                assertNoRocksDbPropertyGauges(registry);
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor();
                }
            }
        }
    }

    private void assertScraped(Path log) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .failFast("prometheus exited, see " + log.toAbsolutePath(), () -> !prometheus.isAlive())
                .untilAsserted(() -> assertThat(Stream.of("up", "trailwatch_ready", "trailwatch_events_read_total",
                                "trailwatch_alerts_total", "trailwatch_account_last_event_timestamp_seconds",
                                "trailwatch_detection_latency_seconds_bucket", "jvm_memory_used_bytes",
                                "{__name__=~\"kafka_stream_.+\"}")
                        .filter(series -> query(series).isEmpty()))
                        .as("series not (yet) in Prometheus; its log: " + log.toAbsolutePath()).isEmpty());

        assertThat(values("sum by (account) (trailwatch_events_read_total{job=\"" + JOB + "\"})", "account"))
                .isEqualTo(Map.of(TestEvents.ACCOUNT, 4.0, OTHER_ACCOUNT, 2.0));
        assertThat(single("trailwatch_events_rejected_total{reason=\"parse\"}")).isEqualTo(3.0);
        assertThat(single("sum(trailwatch_events_rejected_total)")).isEqualTo(3.0);
        assertThat(single("trailwatch_alerts_total{rule=\"cloudtrail-logging-stopped\",severity=\"HIGH\"}"))
                .isEqualTo(1.0);
        assertThat(single("trailwatch_account_last_event_timestamp_seconds{account=\"" + TestEvents.ACCOUNT
                + "\",region=\"us-east-1\"}")).isEqualTo((double) t0.plusSeconds(3).getEpochSecond());
        assertThat(single("trailwatch_ready")).isEqualTo(1.0);
        assertThat(single("up{job=\"" + JOB + "\"}")).isEqualTo(1.0);
        assertThat(single("trailwatch_detection_latency_seconds_bucket{stage=\"event_time\",le=\"+Inf\"}"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(query("jvm_memory_used_bytes{area=\"heap\"}")).isNotEmpty();
        assertThat(query("{__name__=~\"kafka_stream_.+\",job=\"" + JOB + "\"}")).isNotEmpty();
    }

    /**
     * Kafka Streams has property gauges for the detector's RocksDB stores (JMX lists them; listing reads no value), and
     * none of them is bound: reading one races the store's close ({@code KafkaStreamsMeters}). Checked once the
     * binder has refreshed since the stream task (and so its stores) started: its task metrics are bound.
     */
    private static void assertNoRocksDbPropertyGauges(PrometheusMeterRegistry registry) throws Exception {
        assertThat(ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("kafka.streams:type=stream-state-metrics,*"), null))
                .anySatisfy(store -> assertThat(store.getKeyProperty("rocksdb-state-id")).isNotNull());
        await().atMost(WAIT).until(() -> registry.scrape().contains("kafka_stream_task_dropped_records_total"));
        assertThat(registry.scrape())
                .doesNotContain("kafka_stream_state_estimate_num_keys", "kafka_stream_state_size_all_mem_tables",
                        "kafka_stream_state_block_cache_usage");
    }

    /** Account 111122223333: three reads and a StopLogging; 444455556666: two reads; three records not JSON. */
    private void feed(String bootstrap) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                send(producer, TestEvents.ACCOUNT, i, TestEvents.event("ec2.amazonaws.com", "DescribeInstances",
                        t0.plusSeconds(i)).bytes());
            }
            send(producer, TestEvents.ACCOUNT, 3, TestEvents.stopLogging(t0.plusSeconds(3)).bytes());
            for (int i = 1; i <= 2; i++) {
                send(producer, OTHER_ACCOUNT, i, TestEvents.event("s3.amazonaws.com", "ListBuckets", t0.plusSeconds(i))
                        .set("recipientAccountId", OTHER_ACCOUNT).bytes());
            }
            for (String garbage : List.of("this is not json", "{\"eventVersion\": \"1.09\", \"eventID\":", "<xml/>")) {
                send(producer, OTHER_ACCOUNT, 3, garbage.getBytes(StandardCharsets.UTF_8));
            }
            producer.flush();
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, String account, int second, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>("cloudtrail.events", null,
                t0.plusSeconds(second).toEpochMilli(), account, value);
        record.headers().add(RecordHeaders.SOURCE, "file".getBytes(StandardCharsets.UTF_8));
        producer.send(record);
    }

    private static double loggingStoppedAlerts(TrailWatchMetrics metrics) {
        Counter counter = metrics.registry().find("trailwatch.alerts").tag("rule", "cloudtrail-logging-stopped")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private void startPrometheus(Path binary, int target, Path tmp) throws IOException {
        Path config = tmp.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(JOB, target));
        prometheusPort = freePort();
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(LOG.toFile()).start();
    }

    /** The result vector of an instant query; empty while Prometheus is starting or has no such series. */
    private List<JsonNode> query(String promql) {
        URI uri = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return List.of();
            }
            List<JsonNode> result = new ArrayList<>();
            JSON.readTree(response.body()).path("data").path("result").forEach(result::add);
            return result;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private double single(String promql) {
        List<JsonNode> result = query(promql);
        assertThat(result).as(promql).hasSize(1);
        return result.get(0).path("value").path(1).asDouble();
    }

    private Map<String, Double> values(String promql, String label) {
        Map<String, Double> byLabel = new TreeMap<>();
        query(promql).forEach(series -> byLabel.put(series.path("metric").path(label).asText(),
                series.path("value").path(1).asDouble()));
        return byLabel;
    }

    private static Optional<Path> prometheusBinary() {
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, "prometheus")),
                Stream.of(Path.of("/usr/bin/prometheus")))
                .filter(Files::isExecutable).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
