package dev.trailwatch.detector.topology;

import dev.trailwatch.detector.catalog.FileReload;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.TuningSettings;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.RuntimeSettings;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.deadletter.Quarantine;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.metrics.KafkaStreamsMeters;
import dev.trailwatch.detector.metrics.ProgressMonitor;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.parse.ParseAhead;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.tuning.TuningException;
import dev.trailwatch.detector.tuning.TuningParser;
import dev.trailwatch.detector.tuning.TuningProblem;
import dev.trailwatch.detector.tuning.TuningSet;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running detector: the topology on a Kafka Streams client, its metrics bound, ready when the client is
 * RUNNING (all state restored) and making progress or idle ({@link ProgressMonitor}). Shared by {@code run},
 * {@code demo} and {@code scan} so all three run the same code.
 *
 * <p>A failed stream thread is replaced (and counted). {@link #close()} leaves the consumer group, static member or
 * not, so the partitions of an instance that stops move to the others at once instead of after the session timeout:
 * staying (a static member's usual choice) would leave them unserved for the whole restart, which measured longer
 * than the two short rebalances of leaving and coming back (docs/operations.md, "Restarts and failover").
 */
public final class DetectorInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorInstance.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final KafkaStreamsMeters streamsMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final RulePack rules;
    private final FileReload reload;
    private ProgressMonitor progress;
    /**
     * Store-size gauges hold the read side while they query; {@link #close()} takes the write side before the stores
     * close. Kafka Streams' {@code RocksDBStore.approximateNumEntries} is not synchronized with its {@code close}, so a
     * scrape of /metrics racing a shutdown could read a closed RocksDB handle (native memory: a JVM abort, not an
     * exception).
     */
    private final ReadWriteLock storeQueries = new ReentrantReadWriteLock();
    private boolean closing;

    private DetectorInstance(KafkaStreams streams, KafkaStreamsMeters streamsMetrics, RulePack rules,
                             FileReload reload) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.rules = rules;
        this.reload = reload;
    }

    public static DetectorInstance start(DetectorConfig config, TrailWatchMetrics metrics, FlushSignal flush) {
        return start(config, loadRules(config), metrics, flush);
    }

    /**
     * The exceptions and overrides in {@code tuning.dir} (empty when unset), checked against the detector's rule ids.
     *
     * @throws ConfigException naming every problem (file, entry, what is wrong): the commands exit 2 on it
     */
    public static TuningSet loadTuning(DetectorConfig config, RulePack rules) {
        String dir = config.get(TuningSettings.DIR);
        if (dir.isBlank()) {
            return TuningSet.empty();
        }
        try {
            TuningSet tuning = TuningParser.load(Path.of(dir));
            List<TuningProblem> unknown = tuning.unknownRules(KnownRules.of(config, rules));
            if (!unknown.isEmpty()) {
                throw new TuningException(unknown);
            }
            return tuning;
        } catch (TuningException e) {
            throw new ConfigException(TuningSettings.DIR.name() + " " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code num.stream.threads} as set (Kafka Streams itself rejects a bad value when the client is built). */
    private static int streamThreads(Properties props) {
        try {
            return Integer.parseInt(props.getOrDefault(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1").toString().trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The bundled rules plus those in {@code rules.dir}; a bad file fails here, before anything connects. */
    public static RulePack loadRules(DetectorConfig config) {
        String rulesDir = config.get(Settings.RULES_DIR);
        return RulePack.load(rulesDir.isBlank() ? null : Path.of(rulesDir));
    }

    /** Starts with the rules given and the tuning in {@code tuning.dir}. */
    public static DetectorInstance start(DetectorConfig config, RulePack rules, TrailWatchMetrics metrics,
                                         FlushSignal flush) {
        TuningSet tuning = loadTuning(config, rules);
        return start(config, rules, () -> tuning, metrics, flush);
    }

    /**
     * @param tuning the exceptions and overrides in force, read for every alert: a supplier that returns a newer set
     *               (hot reload) makes it apply from the next alert on; thresholds are read once, at start
     */
    public static DetectorInstance start(DetectorConfig config, RulePack rules, Supplier<TuningSet> tuning,
                                         TrailWatchMetrics metrics, FlushSignal flush) {
        Properties props = config.streamsProperties();
        props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
        props.put(Quarantine.CONFIG, new Quarantine());
        int streamThreads = streamThreads(props);
        if (ParseAhead.enabled(config.get(RuntimeSettings.EVENTS_PARSE_AHEAD), streamThreads,
                Runtime.getRuntime().availableProcessors())) {
            ParseAhead ahead = new ParseAhead(config.get(Settings.TOPIC_EVENTS));
            ParseAhead.install(props, ahead);
            FunctionCounter.builder("trailwatch.events.parsed.ahead", ahead, ParseAhead::parsedAhead)
                    .description("Records the stream threads took already parsed by their consumer's parse-ahead "
                            + "thread (events.parse.ahead); the rest of trailwatch_events_read they parsed themselves")
                    .register(metrics.registry());
        }
        logTuning(tuning.get(), metrics);
        GeoIp.from(config).logStatus();
        InputWatermark watermark = new InputWatermark(config.get(Settings.REORDER_HORIZON), 1);
        prepareProgress(config, props, watermark);
        FileReload reload = FileReload.every(config.get(Settings.RELOAD_INTERVAL));
        Topology topology = DetectorTopology.build(config, rules, metrics, flush, tuning, watermark, reload);
        KafkaStreams streams = new KafkaStreams(topology, props);
        KafkaStreamsMeters streamsMetrics = KafkaStreamsMeters.bindTo(metrics.registry(), streams);
        DetectorInstance instance = new DetectorInstance(streams, streamsMetrics, rules, reload);
        String input = config.get(Settings.TOPIC_EVENTS);
        instance.progress = ProgressMonitor.start(Admin.create(new StreamsConfig(props).getAdminConfigs(
                        config.applicationId() + "-progress")), config.applicationId(),
                () -> instance.ownedPartitions(input), config.get(RuntimeSettings.READY_STALL_TIMEOUT),
                metrics.registry());
        instance.progress.onCaughtUp(new ProgressMonitor.CaughtUpListener() {
            @Override
            public long before() {
                return watermark.latest();
            }

            @Override
            public void caughtUp(TopicPartition partition, long before) {
                watermark.caughtUp(partition.partition(), before);
            }
        });
        Gauge.builder("trailwatch.ready", instance, i -> i.ready() ? 1 : 0)
                .description("1 when /ready answers 200: RUNNING, brokers reachable, making progress or idle")
                .register(metrics.registry());
        storeNames(topology).forEach(store -> Gauge.builder("trailwatch.state.store.entries", instance,
                        i -> i.approximateEntries(store))
                .description("Approximate entries in a state store on this instance").tag("store", store)
                .register(metrics.registry()));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            metrics.streamThreadReplaced();
            instance.progress.threadFailed();
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("detector {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                instance.stopped.countDown();
            }
        });
        LOG.info("starting detector '{}' with {} watch-list rules, reading {}", config.applicationId(),
                rules.rules().size(), config.get(Settings.TOPIC_EVENTS));
        streams.start();
        reload.start();
        return instance;
    }

    /** Says at start which rules are off, which exceptions and thresholds are in force, and which have expired. */
    private static void logTuning(TuningSet tuning, TrailWatchMetrics metrics) {
        Map<String, String> disabled = tuning.disabledRules();
        metrics.rulesDisabled(disabled.keySet());
        if (tuning.isEmpty()) {
            return;
        }
        LOG.info("tuning: {} exceptions, {} overrides", tuning.exceptions().size(), tuning.overrides().size());
        disabled.forEach((rule, where) -> LOG.info("tuning: rule {} is disabled in {}", rule, where));
        tuning.settings().forEach((setting, value) -> LOG.info("tuning: {} = {} (from an override)", setting, value));
        Instant now = Instant.now();
        tuning.exceptions().stream().filter(e -> !e.activeAt(now)).forEach(e -> LOG.warn("tuning: exception {} ({})"
                + " expired at {}: it still covers alerts whose events came before then (a replay of history), no"
                + " new ones; remove it or extend it", e.id(), e.source(), e.expires()));
    }

    /**
     * Creates the progress topic when it is missing (compacted, one partition, the cluster's default replication) and
     * tells the watermark how many input partitions there are. When the brokers cannot say, the watermark learns the
     * partitions as their tasks report, which can release a wait early while a partition has not reported yet.
     */
    private static void prepareProgress(DetectorConfig config, Properties props, InputWatermark watermark) {
        String input = config.get(Settings.TOPIC_EVENTS);
        String progress = config.get(Settings.TOPIC_PROGRESS);
        try (Admin admin = Admin.create(new StreamsConfig(props).getAdminConfigs(config.applicationId() + "-setup"))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(progress)) {
                try {
                    admin.createTopics(List.of(new NewTopic(progress, Optional.of(1), Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            watermark.partitions(admin.describeTopics(List.of(input)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(input).partitions().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not prepare the progress topic {} or count the partitions of {}: {}", progress, input,
                    e.getCause() == null ? e.toString() : e.getCause().toString());
        }
    }

    public RulePack rules() {
        return rules;
    }

    /** Ready: {@link #notReadyReason()} has nothing to say. */
    public boolean ready() {
        return notReadyReason() == null;
    }

    /**
     * Why the detector is not doing its job right now, or null when it is: the client is not RUNNING (starting,
     * rebalancing, restoring state, stopped), the brokers do not answer, or this instance's input waits while its
     * committed offsets stand still (a stream thread failing on the same record, commits failing).
     */
    public String notReadyReason() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return "Kafka Streams is " + state;
        }
        return progress.stalledReason();
    }

    /** RUNNING: every task's state is restored and records are being processed. */
    boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running()) {
            if (System.nanoTime() > deadline || stopped.getCount() == 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    /** Blocks until the client stops (an error, or {@link #close()} from a shutdown hook). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Approximate entries of a key-value store over this instance's tasks; NaN while not queryable. */
    double approximateEntries(String store) {
        Lock read = storeQueries.readLock();
        read.lock();
        try {
            if (closing || !running()) {
                return Double.NaN;
            }
            return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()))
                    .approximateNumEntries();
        } catch (RuntimeException e) {
            return Double.NaN;
        } finally {
            read.unlock();
        }
    }

    /** The partitions of {@code topic} this instance's active tasks read. */
    private Set<TopicPartition> ownedPartitions(String topic) {
        Set<TopicPartition> owned = new HashSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task ->
                task.topicPartitions().stream().filter(p -> p.topic().equals(topic)).forEach(owned::add)));
        return owned;
    }

    private static Set<String> storeNames(Topology topology) {
        Set<String> names = new TreeSet<>();
        TopologyDescription description = topology.describe();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                names.addAll(processor.stores());
            }
        }));
        description.globalStores().forEach(global -> names.addAll(global.processor().stores()));
        return names;
    }

    /**
     * Loop iterations of this client's stream threads so far (each polls once): {@code scan} counts them to know that
     * every punctuation and commit due by some moment has run, whatever the machine's load.
     */
    public long streamThreadIterations() {
        return Math.round(streams.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-thread-metrics") && e.getKey().name().equals("poll-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum());
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        Lock write = storeQueries.writeLock();
        write.lock();
        try {
            closing = true;
        } finally {
            write.unlock();
        }
        reload.close();
        // Unbind the Kafka client meters first: while the clients close, some of their metrics throw (Kafka Streams
        // 4.2's StreamsProducer.totalBlockedTime, an NPE), which would fail a /metrics scrape during shutdown.
        streamsMetrics.close();
        progress.close();
        streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        stopped.countDown();
    }
}
