package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.pipeline.TopicSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trailwatch bench}: on an in-process broker, pre-loads N generated CloudTrail events and measures in one run
 * the consumer+parse ceiling, a trivial exactly-once Streams baseline and the full detector (each in a JVM of its own,
 * the detector as {@code trailwatch run}, so its memory is its own), that every injected attack alerted, then alert
 * latency on live traffic at a fixed rate. Method and figures: {@code docs/performance.md}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure detector throughput against a plain consumer and a trivial Streams app, and alert "
                + "latency at a fixed rate, on an in-process broker with generated CloudTrail traffic.",
                "Last line: bench: detector=<ev/s> baseline=<ev/s> ceiling=<ev/s> ratio=<..> p99_ms=<..> rss_mb=<..>"})
public final class BenchCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration ALERT_WAIT = Duration.ofSeconds(30);
    private static final String INPUT = "bench.events";
    /** Settings each round sets itself (its own topics, group and state); --detector-config may not change them. */
    private static final Set<String> BENCH_OWNED = Set.of("application.id", "topic.events",
            "topic.alerts", "topic.dlq", "topic.accounts", DetectorConfig.KAFKA_PREFIX + "bootstrap.servers",
            DetectorConfig.KAFKA_PREFIX + "state.dir");

    @Spec
    CommandSpec spec;

    /**
     * Enough that each stage's measured half starts past its JIT's warm-up: on two cores the detector's rate rises
     * until ~2,400,000-3,000,000 events (its compiler thread works through ~18 s of C2 compilations, against the
     * baseline's ~7 s, whose rate is flat from ~2,000,000). With the earlier 2,000,000 the measured half caught both
     * still warming, the detector more. The report's "each tenth" line shows where each stage's warm-up ended.
     */
    @Option(names = "--events", paramLabel = "N", defaultValue = "6000000",
            description = "Events to pre-load for the throughput stages (default ${DEFAULT-VALUE}; ~0.65 KB of disk "
                    + "each in the temporary directory).")
    long events;

    @Option(names = "--accounts", paramLabel = "A", defaultValue = "50",
            description = "Accounts in the generated organization (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--principals", paramLabel = "P",
            description = "Distinct users and role sessions across the organization (default 100 per account).")
    Integer principals;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "10000",
            description = "Events/s produced in the latency stage (default ${DEFAULT-VALUE}); 0 skips it.")
    int rate;

    @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "10",
            description = "How long the latency stage produces (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--warmup", paramLabel = "SHARE", defaultValue = "0.5",
            description = "Share of each throughput stage's events left out of its rate (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--detector-jvm", paramLabel = "OPTIONS",
            description = "JVM options of the detector's and the baseline's processes (default: -Xmx512m, and "
                    + "-XX:CICompilerCount=3 on fewer than 4 CPUs, as the launcher and the image run the detector).")
    String detectorJvm;

    /**
     * The children's JVM options when none are given: the heap, and the JIT as the launcher, the image and the
     * Kubernetes manifest run the detector (a second C2 compiler thread where the JVM would run one, below 4 CPUs),
     * so that the bench measures the detector as deployed. Both apps get the same options.
     */
    static String defaultJvm(int processors) {
        return processors < 4 ? "-Xmx512m -XX:CICompilerCount=3" : "-Xmx512m";
    }

    @Option(names = "--rounds", paramLabel = "K", defaultValue = "1",
            description = "Baseline/detector rounds, interleaved; each reports its best (default ${DEFAULT-VALUE}).")
    int rounds;

    /**
     * One partition by default, as LocalPipeline replays: one instance runs one stream thread, which gains nothing
     * from more. More partitions read from far behind drift apart in event time, which the burst detections must
     * absorb (docs/performance.md, "Several partitions read from far behind").
     */
    @Option(names = "--partitions", paramLabel = "P", defaultValue = "1",
            description = "Partitions of the events topic (default ${DEFAULT-VALUE}); see docs/performance.md.")
    int partitions;

    @Option(names = "--scan-events", paramLabel = "N", defaultValue = "500000",
            description = "Events for the scan stage: 'trailwatch scan' over sorted and unsorted JSON lines and a "
                    + ".json.gz S3-layout tree (default ${DEFAULT-VALUE}); 0 skips it.")
    long scanEvents;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    /**
     * Detector settings for the measured app (and the baseline, which reads its Kafka settings from the same config),
     * e.g. {@code --detector-config geoip.country-db=/path/db.mmdb}. The bench's children ignore the environment, so
     * this is the one way to measure a non-default configuration.
     */
    @Option(names = "--detector-config", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A detector setting for this run (repeatable), as in the --config file: e.g. "
                    + "geoip.country-db=FILE, burst.discovery.scope=all. The bench's own topics, application id, "
                    + "bootstrap servers and state directory cannot be set.")
    Map<String, String> detectorSettings = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON here.")
    Path out;

    @Override
    public Integer call() throws Exception {
        validate();
        if (detectorJvm == null || detectorJvm.isBlank()) {
            detectorJvm = defaultJvm(Runtime.getRuntime().availableProcessors());
        }
        PrintWriter err = spec.commandLine().getErr();
        BenchReport report = new BenchReport(events, accounts, principalsPerAccount() * (long) accounts, partitions,
                warmup, detectorJvm, rounds);
        report.detectorSettings(detectorSettings);
        Path work = Files.createTempDirectory("trailwatch-bench-");
        checkDisk(work);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
             KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic(INPUT, partitions, Map.of());
            kafka.createTopic(BaselineApp.OUTPUT, partitions, Map.of());
            List<TrafficGenerator.Attack> attacks = preload(producer, report, err);
            report.ceiling(CeilingStage.run(bootstrap, INPUT, events, warmup, STAGE_TIMEOUT));
            progress(err, "ceiling %,d ev/s", report.ceiling());
            List<String> jvm = Arrays.asList(detectorJvm.trim().split("\\s+"));
            for (int round = 1; round <= rounds; round++) {
                DetectorConfig config = detectorConfig(bootstrap, work, round, detectorSettings);
                kafka.createTopics(TopicSetup.required(config, partitions, (short) 1));
                Throughput.Rate baseline = BaselineStage.run(config, bootstrap, jvm, work.resolve("baseline-" + round),
                        events, warmup, STAGE_TIMEOUT);
                progress(err, "round %d: baseline %,d ev/s", round, baseline.perSecond());
                try (DetectorStage detector = DetectorStage.start(config, bootstrap, jvm,
                        Files.createDirectories(work.resolve("detector-" + round)))) {
                    List<DetectorStage.Progress> timeline = new ArrayList<>();
                    Throughput.Rate rate = detector.throughput(events, warmup, STAGE_TIMEOUT, timeline);
                    List<String> missed = detector.awaitAttacks(attacks, ALERT_WAIT);
                    report.round(baseline, rate, missed, attacks.size(), timeline);
                    progress(err, "round %d: detector %,d ev/s, %d/%d attacks alerted", round, rate.perSecond(),
                            attacks.size() - missed.size(), attacks.size());
                    if (round == rounds) {
                        finish(detector, producer, report, err);
                    }
                }
            }
            if (scanEvents > 0) {
                progress(err, "scan stage: writing %,d events as JSON lines and a .json.gz tree", scanEvents);
                report.scan(ScanStage.run(work, seed + 2, accounts, scanEvents, jvm, STAGE_TIMEOUT));
                progress(err, "scan %s", report.scanLine());
            }
            report.benchJvmRss(BenchReport.ownPeakRssMb());
            report.print(spec.commandLine().getOut());
            if (out != null) {
                report.write(out);
            }
            if (!report.allAlerted()) {
                err.println("bench: some injected attacks were not alerted");
                err.flush();
                return 1;
            }
            return 0;
        } finally {
            deleteQuietly(work);
        }
    }

    /** Stage 4 on the last round's warm detector, then its memory and state. */
    private void finish(DetectorStage detector, KafkaProducer<String, byte[]> producer, BenchReport report,
                        PrintWriter err) throws InterruptedException {
        if (rate > 0) {
            report.latency(LatencyStage.run(detector, producer, INPUT, seed + 1, accounts, rate, latencySeconds,
                    TrafficGenerator.roundsFor(events), ALERT_WAIT));
            progress(err, "latency %s", report.latencyLine());
        }
        report.detectorProcess(detector.alerts(), detector.peakRssMb(), detector.stateEntries(),
                detector.stateBytes());
    }

    private static void progress(PrintWriter err, String format, Object... args) {
        err.printf("bench: " + format + "%n", args);
        err.flush();
    }

    private void validate() {
        if (events < 1_000) {
            throw new IllegalArgumentException("--events must be at least 1000");
        }
        if (warmup < 0 || warmup > 0.9) {
            throw new IllegalArgumentException("--warmup must be between 0 and 0.9");
        }
        if (rate < 0 || latencySeconds < 1) {
            throw new IllegalArgumentException("--rate must be 0 or more and --latency-seconds at least 1");
        }
        if (partitions < 1 || partitions > 64) {
            throw new IllegalArgumentException("--partitions must be between 1 and 64");
        }
        if (scanEvents != 0 && scanEvents < 1_000) {
            throw new IllegalArgumentException("--scan-events must be 0 or at least 1000");
        }
        if (rounds < 1 || rounds > 5) {
            throw new IllegalArgumentException("--rounds must be between 1 and 5");
        }
        if (principals != null && principals < accounts) {
            throw new IllegalArgumentException("--principals must be at least --accounts (one per account)");
        }
        for (String key : detectorSettings.keySet()) {
            if (BENCH_OWNED.contains(key)) {
                throw new IllegalArgumentException("--detector-config " + key + ": the bench sets it for each run");
            }
        }
        // unknown keys and bad values fail here, before minutes of pre-loading
        DetectorConfig.defaults().with(detectorSettings);
    }

    /**
     * Bytes the broker keeps per pre-loaded event, with what the stages write beside it (their output, changelogs and
     * repartitions): the pre-load is LZ4-compressed in 256 KB batches (479 MB of log for 1,000,000 events of ~1,575
     * B); at the end of a default run the broker's directory held 3.66 GB for 6,000,000 (610 B an event).
     */
    static final long DISK_PER_EVENT = 650;
    /**
     * Bytes the scan stage writes per event: the history as sorted and as unsorted JSON lines, and as a gz tree (1.68
     * GB for 500,000).
     */
    static final long DISK_PER_SCAN_EVENT = 3_500;
    /** Room for everything else the run writes: the apps' output, changelogs, state and logs. */
    static final long DISK_MARGIN = 512L << 20;

    /** Fails before minutes of pre-loading when the temporary directory cannot hold what the run writes. */
    private void checkDisk(Path work) throws IOException {
        long needed;
        try {
            needed = Math.addExact(Math.addExact(Math.multiplyExact(events, DISK_PER_EVENT),
                    Math.multiplyExact(scanEvents, DISK_PER_SCAN_EVENT)), DISK_MARGIN);
        } catch (ArithmeticException e) {
            needed = Long.MAX_VALUE;
        }
        long usable = Files.getFileStore(work).getUsableSpace();
        if (usable < needed) {
            deleteQuietly(work);
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%,d events (and %,d for the scan stage) need ~%.1f GB in %s, which has %.1f GB free: free "
                            + "some, point java.io.tmpdir elsewhere (TRAILWATCH_JAVA_OPTS=-Djava.io.tmpdir=DIR) or "
                            + "pass a smaller --events or --scan-events",
                    events, scanEvents, needed / 1e9, work.getParent(), usable / 1e9));
        }
    }

    private int principalsPerAccount() {
        return principals == null ? TrafficGenerator.DEFAULT_PRINCIPALS_PER_ACCOUNT
                : (int) Math.max(1, principals / accounts);
    }

    private List<TrafficGenerator.Attack> preload(KafkaProducer<String, byte[]> producer, BenchReport report,
                                                  PrintWriter err) {
        TrafficGenerator generator = TrafficGenerator.endingNow(seed, accounts, events)
                .withPrincipalsPerAccount(principalsPerAccount());
        long t0 = System.nanoTime();
        AtomicLong bytes = new AtomicLong();
        List<TrafficGenerator.Attack> attacks = generator.generate(events, (i, e) -> {
            bytes.addAndGet(e.value().length);
            producer.send(e.toProducerRecord(INPUT));
        });
        producer.flush();
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.preload(bytes.get() / events, Math.round(events / seconds), attacks.size());
        progress(err, "pre-loaded %,d events (avg %,d B) in %.1f s; %d attacks injected", events,
                bytes.get() / events, seconds, attacks.size());
        return attacks;
    }

    /**
     * Round {@code round}'s detector (and baseline) config: the user's {@code --detector-config} settings, then the
     * shared input, its own outputs, group and state.
     */
    static DetectorConfig detectorConfig(String bootstrap, Path work, int round, Map<String, String> settings)
            throws IOException {
        return DetectorConfig.defaults().with(settings).with(Map.of(
                "application.id", "trailwatch-bench-" + Long.toHexString(System.nanoTime()) + "-r" + round,
                "topic.events", INPUT,
                "topic.alerts", "bench.alerts.r" + round,
                "topic.dlq", "bench.dlq.r" + round,
                "topic.accounts", "bench.accounts.r" + round,
                DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", bootstrap,
                DetectorConfig.KAFKA_PREFIX + "state.dir",
                Files.createDirectories(work.resolve("detector-state-" + round)).toString()));
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    /** Best effort: a leftover temp dir must not fail a finished bench. */
    private static void deleteQuietly(Path dir) {
        try {
            DataDirs.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
