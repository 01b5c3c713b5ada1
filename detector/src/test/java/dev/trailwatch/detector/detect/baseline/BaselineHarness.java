package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.AccountInfoSerde;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.parse.ParseProcessor;
import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.tuning.TuningSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * {@link TopologyHarness} for the baseline detections: the real {@link DetectorTopology} in a TopologyTestDriver, plus
 * what they need on top: events keyed by their own {@code recipientAccountId} (several accounts), the accounts topic
 * (piped in as an operator would, and read back for what the detector writes to it), the stores, and a state
 * directory that can outlive the driver to test a restart.
 */
public final class BaselineHarness implements AutoCloseable {

    final TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> events;
    private final TestInputTopic<String, byte[]> accountsIn;
    private final TestOutputTopic<String, AccountInfo> accountsOut;
    private final TestOutputTopic<String, Alert> alerts;
    private final Path stateDir;
    private final boolean ownsStateDir;

    BaselineHarness(Map<String, String> settings, Path stateDir, FlushSignal flush) {
        this(settings, stateDir, flush, TuningSet.empty());
    }

    /** With these exceptions and overrides in force. */
    BaselineHarness(Map<String, String> settings, Path stateDir, FlushSignal flush, TuningSet tuning) {
        this.ownsStateDir = stateDir == null;
        this.stateDir = ownsStateDir ? tempDir() : stateDir;
        DetectorConfig config = DetectorConfig.defaults().with(Map.of(Settings.REORDER_HORIZON.name(), "0s"))
                .with(settings);
        Topics topics = Topics.from(config);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, this.stateDir.toString());
        props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
        // these tests span months of event time, past today's clock: no event is "from the future" here
        props.put(ParseProcessor.MAX_FUTURE_CONFIG, Long.toString(Long.MAX_VALUE / 4));
        driver = new TopologyTestDriver(DetectorTopology.build(config, TopologyHarness.rules(), metrics, flush,
                () -> tuning), props);
        events = driver.createInputTopic(topics.events().name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        String accountsTopic = config.get(Settings.TOPIC_ACCOUNTS);
        accountsIn = driver.createInputTopic(accountsTopic, Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        accountsOut = driver.createOutputTopic(accountsTopic, Serdes.String().deserializer(),
                new AccountInfoSerde().deserializer());
        alerts = driver.createOutputTopic(topics.alerts().name(), Serdes.String().deserializer(),
                topics.alerts().valueSerde().deserializer());
    }

    BaselineHarness(Map<String, String> settings) {
        this(settings, null, FlushSignal.never());
    }

    BaselineHarness() {
        this(Map.of());
    }

    /** Pipes one event keyed by its recipient account, its eventTime as the timestamp (as the connector does). */
    BaselineHarness pipe(TestEvents event) {
        Instant time = Instant.parse(event.json().get("eventTime").asText());
        String account = event.json().path("recipientAccountId").asText(TestEvents.ACCOUNT);
        events.pipeInput(new TestRecord<>(account, event.bytes(), time));
        return this;
    }

    /** Pipes a raw record (a peer suite's JSON) under {@code key} at {@code time}. */
    BaselineHarness pipeRaw(String key, String json, Instant time) {
        events.pipeInput(new TestRecord<>(key, json.getBytes(StandardCharsets.UTF_8), time));
        return this;
    }

    /** An operator's record on the accounts topic; {@code value == null} is a tombstone. */
    BaselineHarness pipeAccount(String accountId, String value) {
        accountsIn.pipeInput(accountId, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    List<Alert> alerts() {
        return alerts.readValuesToList();
    }

    /** The alerts of these rules only (the watch-list has its say on some test events too). */
    List<Alert> alerts(String... ruleIds) {
        List<String> wanted = List.of(ruleIds);
        return alerts().stream().filter(a -> wanted.contains(a.ruleId())).toList();
    }

    /** What the detector wrote to the accounts topic since the last call. */
    List<KeyValue<String, AccountInfo>> accountsWritten() {
        return accountsOut.readKeyValuesToList();
    }

    <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    long entries(String storeName) {
        try (var all = driver.<String, Object>getKeyValueStore(storeName).all()) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }

    Set<String> producedTopicNames() {
        return driver.producedTopicNames();
    }

    void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    @Override
    public void close() {
        driver.close();
        if (ownsStateDir) {
            deleteRecursively(stateDir);
        }
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("trailwatch-baseline-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
