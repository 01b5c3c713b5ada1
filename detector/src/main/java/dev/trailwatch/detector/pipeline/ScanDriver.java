package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.catalog.FileReload;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.deadletter.Quarantine;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.parse.ParsedAhead;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.topology.DetectorInstance;
import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.TopicSpec;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.tuning.TuningSet;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.source.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * {@code scan}'s detector: the production topology ({@link DetectorTopology#build}, every detection, the same parse
 * step, dead-letter handlers and tuning as {@code run}) driven in this thread by Kafka Streams' own
 * {@link TopologyTestDriver}, without a broker. Each record goes in exactly as the live path produces it
 * ({@link WireFormat}: key {@code recipientAccountId}, timestamp {@code eventTime}, the bytes as read, the source
 * headers) and is processed, with everything it sends through repartition topics and into the global tables (progress,
 * accounts), before {@link #send} returns. So the end of input is known exactly: {@link #finish()} asks every
 * time-holding processor to flush until two rounds in a row produce nothing, and no quiet spell or committed offset
 * is waited for.
 *
 * <p>The scan's stores are in memory and have no changelog ({@link ReplaySettings}, {@code ChangelogFreeStores}): the
 * driver flushes them at every commit. Records go through the driver's own loop without its commit after each one
 * ({@link TaskLoop}), committing every few thousand records instead. Every topic the topology
 * writes is read regularly: the driver keeps produced records until they are read. Alerts go to {@code onAlert};
 * dead letters are counted by the topology's own metrics, as in {@code run}.
 *
 * <p>Wall-clock time in the driver is mocked; it is moved to the real clock as records go through, so wall-clock
 * punctuators (the input-progress watermark, held first-use and foreign-account alerts, the flush check) run as they
 * would on a stream thread. Single-threaded: call it from one thread at a time ({@link DetectorThread} drives it on a
 * thread of its own; only {@link #parse} may be called from others).
 */
public final class ScanDriver implements AutoCloseable {

    /** Longer than every wall-clock punctuator's interval that a flush round must see run (the flush check: 200 ms). */
    static final Duration FLUSH_ROUND = Duration.ofSeconds(1);
    private static final int MAX_FLUSH_ROUNDS = 50;
    /**
     * Records between reads of the output topics: the driver keeps every record the topology writes (repartition
     * copies too) until it is read, so they are read often.
     */
    private static final int DRAIN_EVERY = 1024;

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> input;
    private final TopicPartition inputPartition;
    private final TaskLoop loop;
    private final String alertsTopic;
    private final TestOutputTopic<String, Alert> alerts;
    private final Map<String, TestOutputTopic<byte[], byte[]>> others = new HashMap<>();
    private final Consumer<Alert> onAlert;
    private final FlushSignal flush;
    private final Path stateDir;
    private final ParsedAhead parsedAhead;
    private long clock;
    /** For {@link #send(CloudTrailRecord, String, ParseResult)}: callers that build no headers of their own. */
    private final SourceHeaders sourceHeaders = new SourceHeaders();
    private int sinceDrain;
    /**
     * Reads of the output topics between moves of the driver's wall clock to the real one, so once every commit
     * interval ({@link TaskLoop#COMMIT_EVERY}): a move runs the due wall-clock punctuators and commits too, and each
     * commit writes the burst detectors' journals of every key changed since the last one.
     */
    private final int clockEvery;
    private int sinceClock;
    private long sent;

    private ScanDriver(TopologyTestDriver driver, DetectorConfig config, Consumer<Alert> onAlert, FlushSignal flush,
                       Path stateDir, ParsedAhead parsedAhead, long clock, boolean direct, int commitEvery) {
        this.driver = driver;
        this.parsedAhead = parsedAhead;
        this.flush = flush;
        this.onAlert = onAlert;
        this.stateDir = stateDir;
        this.clock = clock;
        Topics topics = Topics.from(config);
        String inputTopic = topics.events().name();
        this.input = driver.createInputTopic(inputTopic, new StringSerializer(), new ByteArraySerializer());
        this.inputPartition = new TopicPartition(inputTopic, 0); // the driver's single partition of every topic
        this.loop = direct ? TaskLoop.of(driver, commitEvery) : null;
        this.clockEvery = Math.max(1, commitEvery / DRAIN_EVERY);
        TopicSpec<String, Alert> alertSpec = topics.alerts();
        this.alertsTopic = alertSpec.name();
        this.alerts = driver.createOutputTopic(alertsTopic, new StringDeserializer(),
                alertSpec.valueSerde().deserializer());
    }

    /**
     * Builds the production topology for {@code config} (scan's {@link ReplaySettings} applied by the caller) with
     * {@code rules} and {@code tuning} as loaded at the start ({@link DetectorInstance#loadRules},
     * {@link DetectorInstance#loadTuning}), and drives it in this thread.
     */
    public static ScanDriver start(DetectorConfig config, RulePack rules, TuningSet tuning, TrailWatchMetrics metrics,
                                   FlushSignal flush, Consumer<Alert> onAlert) {
        return start(config, rules, tuning, metrics, flush, onAlert, true);
    }

    /** @param direct through {@link TaskLoop} (when this Kafka version allows it), or the driver's public API */
    static ScanDriver start(DetectorConfig config, RulePack rules, TuningSet tuning, TrailWatchMetrics metrics,
                            FlushSignal flush, Consumer<Alert> onAlert, boolean direct) {
        return start(config, rules, tuning, metrics, flush, onAlert, direct, TaskLoop.COMMIT_EVERY);
    }

    /** @param commitEvery records between commits of the direct loop (and moves of the wall clock) */
    static ScanDriver start(DetectorConfig config, RulePack rules, TuningSet tuning, TrailWatchMetrics metrics,
                            FlushSignal flush, Consumer<Alert> onAlert, boolean direct, int commitEvery) {
        metrics.rulesDisabled(tuning.disabledRules().keySet());
        GeoIp.from(config).logStatus();
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("trailwatch-scan-state-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the scan", e);
        }
        try {
            Properties props = config.streamsProperties();
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
            props.put(Quarantine.CONFIG, new Quarantine());
            ParsedAhead parsedAhead = new ParsedAhead();
            props.put(ParsedAhead.CONFIG, parsedAhead);
            // the files are read once (FileReload.off): a change while a scan runs would make its alerts depend on
            // timing; one input partition, as the sorted input is one stream in event-time order
            InputWatermark watermark = new InputWatermark(config.get(Settings.REORDER_HORIZON), 1);
            long now = System.currentTimeMillis();
            TopologyTestDriver driver = new TopologyTestDriver(DetectorTopology.build(config, rules, metrics, flush,
                    () -> tuning, watermark, FileReload.off()), props, Instant.ofEpochMilli(now));
            try {
                return new ScanDriver(driver, config, onAlert, flush, stateDir, parsedAhead, now, direct,
                        commitEvery);
            } catch (RuntimeException e) {
                driver.close();
                throw e;
            }
        } catch (RuntimeException e) {
            DataDirs.deleteRecursively(stateDir);
            throw e;
        }
    }

    /**
     * Parses {@code raw} exactly as the topology's parse node would, with its parser; callable from any thread, so that
     * records can be parsed ahead of the thread driving the topology ({@link DetectorThread}). Null when the parser
     * throws (a bug, not a bad record): the parse node then parses the record itself, where the dead-letter handlers
     * see what it throws.
     */
    public ParseResult parse(byte[] raw) {
        try {
            return parsedAhead.parse(raw);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The parse node's parser for the scan's file readers (any thread): they cut records out of files by parsing them
     * ({@link dev.trailwatch.ingest.reader.RecordParser}), so each record is tokenized once and goes to the parse node
     * with its result ({@link #send(CloudTrailRecord, String, ParseResult)}).
     */
    public dev.trailwatch.ingest.reader.RecordParser readerParser() {
        return parsedAhead.readerParser();
    }

    /**
     * Processes one record read from {@code source} ({@code file}, {@code s3}), with everything it causes downstream,
     * as the input topic would deliver it.
     */
    public void send(CloudTrailRecord record, String source) {
        send(record, source, null);
    }

    /**
     * {@link #send(CloudTrailRecord, String)} with the record already {@link #parse parsed} (null: not parsed yet):
     * the parse node takes that result instead of parsing the same bytes again.
     */
    public void send(CloudTrailRecord record, String source, ParseResult parsed) {
        send(record, parsed, sourceHeaders.of(record, source, System.currentTimeMillis()));
    }

    /**
     * {@link #send(CloudTrailRecord, String, ParseResult)} with the record's source headers already built
     * ({@link SourceHeaders}, on the thread that hands records over: {@link DetectorThread}); the list is copied.
     */
    void send(CloudTrailRecord record, ParseResult parsed, List<Header> sourceHeaders) {
        long now = System.currentTimeMillis();
        Long eventTime = WireFormat.timestamp(record);
        // without an event time Kafka stamps the time of the send; the parse step dead-letters the record
        long timestamp = eventTime == null ? now : eventTime;
        String key = WireFormat.key(record);
        RecordHeaders headers = new RecordHeaders(sourceHeaders);
        if (parsed != null) {
            parsedAhead.next(record.json(), parsed);
        }
        try {
            if (loop != null) {
                loop.pipe(inputPartition, timestamp, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        record.json(), headers, clock);
            } else {
                input.pipeInput(new TestRecord<>(key, record.json(), headers, timestamp));
            }
        } catch (RuntimeException e) {
            // what the dead-letter handlers do not take (a bug, not a bad record): a stream thread would die on it
            throw new IllegalStateException("the detector failed on " + record.location() + " (" + e
                    + "); a scan that did not process every record reports no alerts", e);
        } finally {
            parsedAhead.next(null, null);
        }
        sent++;
        if (++sinceDrain >= DRAIN_EVERY) {
            sinceDrain = 0;
            if (++sinceClock >= clockEvery) {
                sinceClock = 0;
                advanceClockTo(now);
            }
            drain();
        }
    }

    /** Records the parse node took parsed ahead ({@link #send(CloudTrailRecord, String, ParseResult)}). */
    long parsedAhead() {
        return parsedAhead.taken();
    }

    /** True when records skip the driver's commit after each one ({@link TaskLoop}). */
    boolean direct() {
        return loop != null;
    }

    /** The driver's own Kafka Streams metrics (nothing in a scan reads them). */
    Map<MetricName, ? extends Metric> streamsMetrics() {
        return driver.metrics();
    }

    /** Records handed to the detector. */
    public long sent() {
        return sent;
    }

    /**
     * End of input: everything processed is drained, then every time-holding processor flushes (closes every open
     * window, emits every held alert, as a live detector eventually would) until two rounds in a row write nothing to
     * any topic (a flushed alert may still pass a suppressor that flushes in the next round).
     *
     * @throws IllegalStateException when the detector still writes after {@value #MAX_FLUSH_ROUNDS} rounds
     */
    public void finish() {
        advanceClockTo(System.currentTimeMillis());
        drain();
        if (!flush.enabled()) {
            return;
        }
        int quiet = 0;
        for (int round = 0; round < MAX_FLUSH_ROUNDS && quiet < 2; round++) {
            flush.request();
            // every wall-clock punctuator (the flush check first) runs once more; whatever they send is processed
            // before advanceWallClockTime returns
            commit();
            clock += FLUSH_ROUND.toMillis();
            driver.advanceWallClockTime(FLUSH_ROUND);
            quiet = drain() == 0 ? quiet + 1 : 0;
        }
        if (quiet < 2) {
            throw new IllegalStateException("the detector kept writing after " + MAX_FLUSH_ROUNDS + " flush rounds");
        }
    }

    /** Moves the driver's wall clock up to {@code now} (never back), running the punctuators that became due. */
    private void advanceClockTo(long now) {
        commit();
        if (now > clock) {
            driver.advanceWallClockTime(Duration.ofMillis(now - clock));
            clock = now;
        }
    }

    /** Commits what the direct loop processed, before the driver is used through its own API. */
    private void commit() {
        if (loop != null) {
            loop.commit();
        }
    }

    /** Reads every topic the topology wrote: alerts to the callback, the rest dropped. Returns how many records. */
    private long drain() {
        long read = 0;
        for (Alert alert : alerts.readValuesToList()) {
            onAlert.accept(alert);
            read++;
        }
        for (String topic : driver.producedTopicNames()) {
            if (topic.equals(alertsTopic)) {
                continue;
            }
            // dead letters (counted by reason in the metrics), accounts, progress, repartition topics, OCSF copies
            read += others.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())).readRecordsToList().size();
        }
        return read;
    }

    @Override
    public void close() {
        try {
            commit();
        } finally {
            try {
                driver.close();
            } finally {
                DataDirs.deleteRecursively(stateDir);
            }
        }
    }
}
