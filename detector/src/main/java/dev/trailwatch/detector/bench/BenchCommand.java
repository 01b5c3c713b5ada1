package dev.trailwatch.detector.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trailwatch.detector.DetectorInstance;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.FlushSignal;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.pipeline.AlertCollector;
import dev.trailwatch.detector.pipeline.TopicSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code trailwatch bench}: on an in-process broker, pre-loads N generated CloudTrail events and measures in one run
 * the consumer+parse ceiling, a trivial exactly-once Streams baseline, the full detector (and that every injected
 * attack alerted), then end-to-end alert latency at a fixed produce rate.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure detector throughput against a plain consumer and a trivial Streams app, and alert "
                + "latency at a fixed rate, on an in-process broker with generated CloudTrail traffic.",
                "Last line: bench: detector=<ev/s> baseline=<ev/s> ceiling=<ev/s> ratio=<..> p99_ms=<..> rss_mb=<..>"})
public final class BenchCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

    /**
     * One partition, as LocalPipeline replays: pre-loaded data read as fast as possible across several partitions
     * lets the partitions' event times drift apart (accounts are skewed, so partitions cover event time at different
     * speeds), and the detector's repartitioned burst windows then drop the slower partitions' records as late (with
     * 4 partitions, 2 of 15 injected login bursts were missed at 300k events). A single stream thread gains nothing
     * from more partitions.
     */
    private static final int PARTITIONS = 1;
    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ALERT_WAIT = Duration.ofSeconds(20);

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "300000",
            description = "Events to pre-load for the throughput stages (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--accounts", paramLabel = "A", defaultValue = "50",
            description = "Accounts in the generated organization (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "10000",
            description = "Events/s produced in the latency stage (default ${DEFAULT-VALUE}); 0 skips it.")
    int rate;

    @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "10",
            description = "How long the latency stage produces (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (events < 200) {
            throw new IllegalArgumentException("--events must be at least 200");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", events);
        result.put("accounts", accounts);
        result.put("partitions", PARTITIONS);
        Path stateRoot = Files.createTempDirectory("trailwatch-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            DetectorConfig throughputConfig = detectorConfig("throughput", bootstrap, stateRoot);
            kafka.createTopics(TopicSetup.required(throughputConfig, PARTITIONS, (short) 1));
            String input = throughputConfig.get(dev.trailwatch.detector.config.Settings.TOPIC_EVENTS);

            TrafficGenerator generator = TrafficGenerator.endingNow(seed, accounts, events);
            long t0 = System.nanoTime();
            AtomicLong bytes = new AtomicLong();
            List<TrafficGenerator.Attack> attacks;
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                attacks = generator.generate(events, (i, e) -> {
                    bytes.addAndGet(e.value().length);
                    producer.send(new ProducerRecord<>(input, e.key(), e.value()));
                });
                producer.flush();
            }
            double loadSeconds = seconds(System.nanoTime() - t0);
            result.put("avg_record_bytes", bytes.get() / events);
            result.put("preload_events_per_s", Math.round(events / loadSeconds));
            result.put("injected_attacks", attacks.size());
            err.printf("bench: pre-loaded %,d events (avg %,d B) in %.1f s; %d attacks injected%n", events,
                    bytes.get() / events, loadSeconds, attacks.size());
            err.flush();

            long ceiling = ceiling(bootstrap, input);
            result.put("ceiling_events_per_s", ceiling);
            err.printf("bench: ceiling %,d ev/s%n", ceiling);
            err.flush();

            kafka.createTopic("bench.baseline.out", PARTITIONS, Map.of());
            long baseline = baseline(bootstrap, input, throughputConfig, stateRoot);
            result.put("baseline_events_per_s", baseline);
            err.printf("bench: baseline %,d ev/s%n", baseline);
            err.flush();

            DetectorRun run = detector(bootstrap, throughputConfig, attacks);
            result.put("detector_events_per_s", run.eventsPerSecond);
            result.put("alerts", run.alerts);
            result.put("attacks_alerted", attacks.size() - run.missing.size());
            result.put("attacks_missed", run.missing);
            err.printf("bench: detector %,d ev/s, %d alerts, %d/%d attacks alerted%n", run.eventsPerSecond,
                    run.alerts, attacks.size() - run.missing.size(), attacks.size());
            err.flush();

            Map<String, Object> latency = null;
            if (rate > 0) {
                latency = latency(kafka, bootstrap, stateRoot, err);
                result.put("latency", latency);
            }

            long rssMb = peakRssMb();
            result.put("peak_rss_mb", rssMb);
            double ratio = baseline == 0 ? 0 : (double) run.eventsPerSecond / baseline;
            result.put("ratio", Math.round(ratio * 1000) / 1000.0);
            Object p99 = latency == null ? "n/a" : latency.get("p99_ms");
            printTable(stdout, result, latency);
            stdout.printf(Locale.ROOT, "bench: detector=%d baseline=%d ceiling=%d ratio=%.3f p99_ms=%s rss_mb=%d%n",
                    run.eventsPerSecond, baseline, ceiling, ratio, p99, rssMb);
            stdout.flush();
            if (out != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
            }
            boolean ok = run.missing.isEmpty()
                    && (latency == null || ((List<?>) latency.get("attacks_missed")).isEmpty());
            if (!ok) {
                err.println("bench: some injected attacks were not alerted");
                err.flush();
            }
            return ok ? 0 : 1;
        } finally {
            deleteRecursively(stateRoot);
        }
    }

    private DetectorConfig detectorConfig(String name, String bootstrap, Path stateRoot) throws IOException {
        String suffix = name + "-" + Long.toHexString(System.nanoTime());
        Map<String, String> overrides = new HashMap<>();
        overrides.put("application.id", "trailwatch-bench-" + suffix);
        overrides.put("topic.events", "bench." + name + ".events");
        overrides.put("topic.alerts", "bench." + name + ".alerts");
        overrides.put("topic.dlq", "bench." + name + ".dlq");
        overrides.put("topic.accounts", "bench." + name + ".accounts");
        overrides.put(DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", bootstrap);
        overrides.put(DetectorConfig.KAFKA_PREFIX + "state.dir",
                Files.createDirectories(stateRoot.resolve(name)).toString());
        return DetectorConfig.defaults().with(overrides);
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Stage 1: a plain consumer reading and parsing every record with the detector's parser. */
    private long ceiling(String bootstrap, String topic) {
        CloudTrailParser parser = new CloudTrailParser();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long seen = 0;
            long parsed = 0;
            long first = 0;
            long firstCount = 0;
            long deadline = System.nanoTime() + STAGE_TIMEOUT.toNanos();
            while (seen < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ceiling stage timed out at " + seen + " records");
                }
                var records = consumer.poll(Duration.ofMillis(200));
                if (first == 0 && !records.isEmpty()) {
                    first = System.nanoTime();
                    firstCount = records.count();
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (parser.parse(record.value()) instanceof ParseResult.Parsed) {
                        parsed++;
                    }
                    seen++;
                }
            }
            if (parsed != events) {
                throw new IllegalStateException("ceiling stage parsed " + parsed + " of " + events);
            }
            return rate(events - firstCount, System.nanoTime() - first);
        }
    }

    /** Stage 2: parse -> filter -> to under the detector's own Streams settings (exactly_once_v2). */
    private long baseline(String bootstrap, String topic, DetectorConfig detectorConfig, Path stateRoot)
            throws Exception {
        Properties props = detectorConfig.streamsProperties();
        props.keySet().removeIf(k -> k.toString().contains("exception.handler"));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trailwatch-bench-baseline-" + Long.toHexString(System.nanoTime()));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateRoot.resolve("baseline")).toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        CloudTrailParser parser = new CloudTrailParser();
        AtomicLong processed = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .peek((k, v) -> processed.incrementAndGet())
                .mapValues(parser::parse)
                .filter((k, r) -> r instanceof ParseResult.Parsed p && !p.event().eventName().startsWith("Describe")
                        && !p.event().eventName().startsWith("Get") && !p.event().eventName().startsWith("List"))
                .mapValues(r -> ((ParseResult.Parsed) r).event().eventId())
                .to("bench.baseline.out", Produced.with(Serdes.String(), Serdes.String()));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            return measure(processed::get, () -> alive(streams.state()), "baseline");
        }
    }

    private record DetectorRun(long eventsPerSecond, long alerts, List<String> missing,
                               Map<String, Long> latencyMs) {
    }

    /** Stage 3 (and the detector of stage 4): the full topology; waits for N events and the attacks' alerts. */
    private DetectorRun detector(String bootstrap, DetectorConfig config, List<TrafficGenerator.Attack> attacks)
            throws Exception {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        FlushSignal flush = FlushSignal.onRequest();
        Map<String, Long> alertedAt = new ConcurrentHashMap<>();
        AtomicLong alerts = new AtomicLong();
        try (DetectorInstance detector = DetectorInstance.start(config, metrics, flush);
             AlertCollector collector = new AlertCollector(bootstrap,
                     config.get(dev.trailwatch.detector.config.Settings.TOPIC_ALERTS),
                     alert -> recordAlert(alert, alertedAt, alerts))) {
            long perSecond = measure(() -> metrics.eventsRead() + metrics.eventsRejected(),
                    () -> alive(detector.state()), "detector");
            List<String> missing = awaitAttacks(attacks, alertedAt, flush);
            return new DetectorRun(perSecond, alerts.get(), missing, alertedAt);
        }
    }

    private static void recordAlert(Alert alert, Map<String, Long> alertedAt, AtomicLong alerts) {
        long now = System.nanoTime();
        alerts.incrementAndGet();
        if (alert.eventIds() != null) {
            for (String id : alert.eventIds()) {
                alertedAt.putIfAbsent(alert.ruleId() + "/" + id, now);
            }
        }
    }

    private static boolean alerted(TrafficGenerator.Attack attack, Map<String, Long> alertedAt) {
        return attack.eventIds().stream().anyMatch(id -> alertedAt.containsKey(attack.ruleId() + "/" + id));
    }

    private static List<String> awaitAttacks(List<TrafficGenerator.Attack> attacks, Map<String, Long> alertedAt,
                                             FlushSignal flush) throws InterruptedException {
        long deadline = System.nanoTime() + ALERT_WAIT.toNanos();
        boolean flushed = false;
        while (true) {
            List<String> missing = attacks.stream().filter(a -> !alerted(a, alertedAt)).map(a -> a.name()).toList();
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                return missing;
            }
            if (!flushed && System.nanoTime() > deadline - ALERT_WAIT.toNanos() / 2) {
                flush.request();
                flushed = true;
            }
            Thread.sleep(20);
        }
    }

    /** Times from the first processed record to the N-th; excludes startup and rebalance. */
    private static boolean alive(KafkaStreams.State state) {
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING
                && state != KafkaStreams.State.PENDING_SHUTDOWN && state != KafkaStreams.State.PENDING_ERROR;
    }

    private long measure(LongSupplier processed, java.util.function.BooleanSupplier alive, String stage)
            throws InterruptedException {
        long deadline = System.nanoTime() + STAGE_TIMEOUT.toNanos();
        long first = 0;
        long firstCount = 0;
        while (true) {
            long count = processed.getAsLong();
            long now = System.nanoTime();
            if (first == 0 && count > 0) {
                first = now;
                firstCount = count;
            }
            if (count >= events) {
                return rate(events - firstCount, now - first);
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(stage + " stage: Kafka Streams stopped at " + count + " of " + events
                        + " events");
            }
            if (now > deadline) {
                throw new IllegalStateException(stage + " stage timed out at " + count + " of " + events + " events");
            }
            Thread.sleep(2);
        }
    }

    /** Stage 4: produce at a fixed rate while the detector runs; produce-to-readable-alert latency per attack. */
    private Map<String, Object> latency(EmbeddedKafka kafka, String bootstrap, Path stateRoot, PrintWriter err)
            throws Exception {
        long total = Math.max(200, (long) rate * latencySeconds);
        DetectorConfig config = detectorConfig("latency", bootstrap, stateRoot);
        kafka.createTopics(TopicSetup.required(config, PARTITIONS, (short) 1));
        String input = config.get(dev.trailwatch.detector.config.Settings.TOPIC_EVENTS);
        TrafficGenerator generator = TrafficGenerator.endingNow(seed + 1, accounts, total);
        // the attack ids are known up front: generate once without producing
        List<TrafficGenerator.Attack> attacks = generator.generate(total, (i, e) -> { });
        Map<String, TrafficGenerator.Attack> byTrigger = new HashMap<>();
        attacks.forEach(a -> byTrigger.put(a.triggerEventId(), a));
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> alertedAt = new ConcurrentHashMap<>();
        AtomicLong alerts = new AtomicLong();
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        FlushSignal flush = FlushSignal.onRequest();
        CloudTrailParser parser = new CloudTrailParser();
        try (DetectorInstance detector = DetectorInstance.start(config, metrics, flush);
             AlertCollector collector = new AlertCollector(bootstrap,
                     config.get(dev.trailwatch.detector.config.Settings.TOPIC_ALERTS),
                     alert -> recordAlert(alert, alertedAt, alerts));
             KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            if (!detector.awaitRunning(Duration.ofSeconds(90))) {
                throw new IllegalStateException("latency detector did not start: " + detector.state());
            }
            long start = System.nanoTime();
            long intervalNanos = 1_000_000_000L / rate;
            generator.generate(total, (i, e) -> {
                long due = start + i * intervalNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    if (wait > 1_000_000) {
                        try {
                            Thread.sleep(wait / 1_000_000);
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(ex);
                        }
                    } else {
                        Thread.onSpinWait();
                    }
                }
                String trigger = triggerOf(e, byTrigger, parser);
                if (trigger != null) {
                    // "produced": acknowledged by the broker
                    producer.send(new ProducerRecord<>(input, e.key(), e.value()),
                            (md, ex) -> sentAt.put(trigger, System.nanoTime()));
                } else {
                    producer.send(new ProducerRecord<>(input, e.key(), e.value()));
                }
            });
            producer.flush();
            double produceSeconds = seconds(System.nanoTime() - start);
            List<String> missing = awaitAttacks(attacks, alertedAt, flush);
            List<Long> samples = new ArrayList<>();
            for (TrafficGenerator.Attack attack : attacks) {
                Long sent = sentAt.get(attack.triggerEventId());
                Long at = attack.eventIds().stream().map(id -> alertedAt.get(attack.ruleId() + "/" + id))
                        .filter(java.util.Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
                if (sent != null && at != null) {
                    samples.add(Math.max(0, (at - sent) / 1_000_000));
                }
            }
            samples.sort(Comparator.naturalOrder());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("rate", rate);
            result.put("events", total);
            result.put("achieved_rate", Math.round(total / produceSeconds));
            result.put("samples", samples.size());
            result.put("p50_ms", percentile(samples, 50));
            result.put("p99_ms", percentile(samples, 99));
            result.put("max_ms", samples.isEmpty() ? null : samples.get(samples.size() - 1));
            result.put("attacks_missed", missing);
            err.printf("bench: latency at %,d ev/s: p50 %s ms, p99 %s ms, max %s ms over %d attacks%n", rate,
                    result.get("p50_ms"), result.get("p99_ms"), result.get("max_ms"), samples.size());
            err.flush();
            return result;
        }
    }

    /** The attack trigger id of a record, without parsing the common background records. */
    private static String triggerOf(TrafficGenerator.Event e, Map<String, TrafficGenerator.Attack> byTrigger,
                                    CloudTrailParser parser) {
        String text = new String(e.value(), java.nio.charset.StandardCharsets.UTF_8);
        if (!text.contains("attacker-") && !text.contains("AwsConsoleSignIn")) {
            return null;
        }
        if (parser.parse(e.value()) instanceof ParseResult.Parsed p && byTrigger.containsKey(p.event().eventId())) {
            return p.event().eventId();
        }
        return null;
    }

    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void printTable(PrintWriter out, Map<String, Object> r, Map<String, Object> latency) {
        out.printf("%-34s %s%n", "stage", "result");
        out.printf("%-34s %,d events, avg %s B, %s partitions%n", "pre-load", (Long) r.get("events"),
                r.get("avg_record_bytes"), r.get("partitions"));
        out.printf("%-34s %,d ev/s%n", "1. ceiling (consumer + parse)", (Long) r.get("ceiling_events_per_s"));
        out.printf("%-34s %,d ev/s%n", "2. streams baseline (EOS v2)", (Long) r.get("baseline_events_per_s"));
        out.printf("%-34s %,d ev/s, %s alerts, %s/%s attacks alerted%n", "3. detector (EOS v2)",
                (Long) r.get("detector_events_per_s"), r.get("alerts"), r.get("attacks_alerted"),
                r.get("injected_attacks"));
        if (latency != null) {
            out.printf("%-34s p50 %s ms, p99 %s ms, max %s ms (%s samples, %s ev/s achieved)%n",
                    "4. latency produce->alert", latency.get("p50_ms"), latency.get("p99_ms"),
                    latency.get("max_ms"), latency.get("samples"), latency.get("achieved_rate"));
        }
        out.printf("%-34s %s MB (whole JVM: broker + clients)%n", "peak RSS", r.get("peak_rss_mb"));
    }

    static long peakRssMb() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmHWM:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long rate(long count, long nanos) {
        return nanos <= 0 ? 0 : Math.round(count / seconds(nanos));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Best effort: a leftover temp dir must not fail a finished bench. */
    private static void deleteRecursively(Path dir) {
        try {
            DataDirs.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
