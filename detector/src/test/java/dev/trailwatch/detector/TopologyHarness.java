package dev.trailwatch.detector;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.tuning.TuningSet;
import dev.trailwatch.ingest.reader.EventTimes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real {@link DetectorTopology} in a TopologyTestDriver, with persistent stores in a temp dir and explicit
 * event-time timestamps: what every detector test drives. Its reorder horizon is 0 unless a test sets one: a
 * detection's own logic is tested on records in the order given; what the horizon changes is tested on its own
 * ({@code ReorderHorizonTest}).
 */
public final class TopologyHarness implements AutoCloseable {

    private static final RulePack RULES = RulePack.load(null);

    public final TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
    public final FlushSignal flush;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> events;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestOutputTopic<String, byte[]> deadLetters;
    private final String accountsTopic;
    private final Path stateDir;

    public TopologyHarness(Map<String, String> settings, FlushSignal flush) {
        this(settings, flush, TuningSet.empty());
    }

    /** With these exceptions and overrides in force (their thresholds applied as {@code run} applies them). */
    public TopologyHarness(Map<String, String> settings, FlushSignal flush, TuningSet tuning) {
        this(settings, flush, () -> tuning);
    }

    /** With the tuning the supplier gives when each alert passes (a test can swap it, as a hot reload would). */
    public TopologyHarness(Map<String, String> settings, FlushSignal flush, Supplier<TuningSet> tuning) {
        this.flush = flush;
        DetectorConfig config = DetectorConfig.defaults().with(Map.of(Settings.REORDER_HORIZON.name(), "0s"))
                .with(settings);
        Topics topics = Topics.from(config);
        accountsTopic = config.get(Settings.TOPIC_ACCOUNTS);
        try {
            stateDir = Files.createTempDirectory("trailwatch-test-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
        driver = new TopologyTestDriver(DetectorTopology.build(config, RULES, metrics, flush, tuning),
                props);
        events = driver.createInputTopic(topics.events().name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic(topics.alerts().name(), Serdes.String().deserializer(),
                topics.alerts().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    public TopologyHarness() {
        this(Map.of(), FlushSignal.never());
    }

    public static RulePack rules() {
        return RULES;
    }

    /** Pipes one event with its eventTime as the record timestamp, as the ingest connector produces it. */
    public TopologyHarness pipe(TestEvents event) {
        Instant time = Instant.parse(event.json().get("eventTime").asText());
        events.pipeInput(new TestRecord<>(TestEvents.ACCOUNT, event.bytes(), time));
        return this;
    }

    /** Pipes a CloudTrail record given as JSON, keyed by its recipientAccountId, stamped with its eventTime. */
    public TopologyHarness pipeJson(com.fasterxml.jackson.databind.JsonNode record) {
        // stamped as the ingest stamps a record: its eventTime as the shared reader reads it
        Instant time = Instant.ofEpochMilli(EventTimes.parseMillis(record.get("eventTime").asText()));
        events.pipeInput(new TestRecord<>(record.path("recipientAccountId").asText(),
                record.toString().getBytes(StandardCharsets.UTF_8), time));
        return this;
    }

    /** Writes one record to the rules topic: a rule file's text under its id, or a tombstone when null. */
    public TopologyHarness pipeRule(String id, String text) {
        driver.createInputTopic("trailwatch.rules", Serdes.String().serializer(), Serdes.String().serializer())
                .pipeInput(id, text);
        return this;
    }

    /** Writes one record to the accounts topic: an account's entry (JSON or a bare name), or a tombstone when null. */
    public TopologyHarness pipeAccount(String accountId, String value) {
        driver.createInputTopic(accountsTopic, Serdes.String().serializer(), Serdes.String().serializer())
                .pipeInput(accountId, value);
        return this;
    }

    /** Writes one record to the exceptions topic {@code trailwatch.exceptions} (set {@code topic.exceptions} to it). */
    public TopologyHarness pipeExceptions(String name, String text) {
        driver.createInputTopic("trailwatch.exceptions", Serdes.String().serializer(), Serdes.String().serializer())
                .pipeInput(name, text);
        return this;
    }

    public TopologyHarness pipeRaw(String value, Instant time) {
        events.pipeInput(new TestRecord<>(TestEvents.ACCOUNT,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), time));
        return this;
    }

    public void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    public List<TestRecord<String, Alert>> alerts() {
        return alerts.readRecordsToList();
    }

    public List<Alert> alertValues() {
        return alerts.readValuesToList();
    }

    /** The records written to {@code topic} as raw bytes, as a consumer that is not TrailWatch reads them. */
    public List<TestRecord<String, byte[]>> rawRecords(String topic) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), Serdes.ByteArray().deserializer())
                .readRecordsToList();
    }

    public List<TestRecord<String, byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
