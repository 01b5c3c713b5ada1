package dev.trailwatch.detector;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.FlushSignal;
import dev.trailwatch.detector.errors.DeadLetterProcessingHandler;
import dev.trailwatch.detector.metrics.KafkaStreamsMeters;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.rules.RulePack;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running detector: the topology on a Kafka Streams client, its metrics bound, ready when the client is
 * RUNNING (all state restored). Shared by {@code run}, {@code demo} and {@code scan} so all three run the same code.
 */
public final class DetectorInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorInstance.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMeters streamsMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final RulePack rules;
    /**
     * Store-size gauges hold the read side while they query; {@link #close()} takes the write side before the stores
     * close. Kafka Streams' {@code RocksDBStore.approximateNumEntries} is not synchronized with its {@code close}, so a
     * scrape of /metrics racing a shutdown could read a closed RocksDB handle (native memory: a JVM abort, not an
     * exception).
     */
    private final ReadWriteLock storeQueries = new ReentrantReadWriteLock();
    private boolean closing;

    private DetectorInstance(KafkaStreams streams, KafkaStreamsMeters streamsMetrics, RulePack rules) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.rules = rules;
    }

    public static DetectorInstance start(DetectorConfig config, TrailWatchMetrics metrics, FlushSignal flush) {
        String rulesDir = config.get(Settings.RULES_DIR);
        RulePack rules = RulePack.load(rulesDir.isBlank() ? null : Path.of(rulesDir));
        Properties props = config.streamsProperties();
        props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
        Topology topology = DetectorTopology.build(config, rules, metrics, flush);
        KafkaStreams streams = new KafkaStreams(topology, props);
        KafkaStreamsMeters streamsMetrics = KafkaStreamsMeters.bindTo(metrics.registry(), streams);
        DetectorInstance instance = new DetectorInstance(streams, streamsMetrics, rules);
        Gauge.builder("trailwatch.ready", instance, i -> i.ready() ? 1 : 0)
                .description("1 when the Streams client is RUNNING (state restored), else 0").register(metrics.registry());
        storeNames(topology).forEach(store -> Gauge.builder("trailwatch.state.store.entries", instance,
                        i -> i.approximateEntries(store))
                .description("Approximate entries in a state store on this instance").tag("store", store)
                .register(metrics.registry()));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
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
        return instance;
    }

    public RulePack rules() {
        return rules;
    }

    /** Ready: the client is RUNNING, so every task's state is restored and records are being processed. */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
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
            if (closing || !ready()) {
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
        // Unbind the Kafka client meters first: while the clients close, some of their metrics throw (Kafka Streams
        // 4.2's StreamsProducer.totalBlockedTime, an NPE), which would fail a /metrics scrape during shutdown.
        streamsMetrics.close();
        streams.close(Duration.ofSeconds(30));
        stopped.countDown();
    }
}
