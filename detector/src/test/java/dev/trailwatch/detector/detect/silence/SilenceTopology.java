package dev.trailwatch.detector.detect.silence;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.ConfigKey;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.SilenceSettings;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.serde.JacksonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;

/**
 * {@link TrailSilentDetector} alone in a TopologyTestDriver whose wall clock the test moves: events (parsed with the
 * real parser, keyed by account) in, its alerts out, the store readable. Time passes minute by minute, as the
 * punctuator sees it in production.
 */
final class SilenceTopology implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
    /** Events arrive this long after their eventTime, as CloudTrail delivers them. */
    static final Duration DELIVERY_DELAY = Duration.ofMinutes(5);

    final TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> events;
    private final TestOutputTopic<String, Alert> alerts;
    private final Path stateDir;
    private Instant now = T0;

    /**
     * {@code silence.*} settings are parsed here, the rest by {@link DetectorConfig}: the detector's keys join
     * {@code Settings.ALL} only when the detector is wired into the topology.
     */
    SilenceTopology(Map<String, String> settings) {
        Map<String, String> core = new HashMap<>(settings);
        core.keySet().removeIf(name -> name.startsWith("silence."));
        DetectorConfig config = DetectorConfig.defaults().with(core);
        TrailSilenceProcessor.Parameters params = new TrailSilenceProcessor.Parameters(
                setting(SilenceSettings.AFTER, settings), setting(SilenceSettings.MIN_EVENTS, settings),
                setting(SilenceSettings.SEVERITY, settings),
                setting(SilenceSettings.FORGET_AFTER, settings).toMillis(),
                new SeverityFilter(config.minSeverity(), metrics));
        StreamsBuilder builder = new StreamsBuilder();
        CloudTrailParser parser = new CloudTrailParser();
        KStream<String, ParseResult> parsed = builder
                .stream("events", Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .mapValues(raw -> parser.parse(raw), Named.as("parse"));
        new TrailSilentDetector(params).build(EventRouter.over(parsed)).alerts().get(0).alerts()
                .to("alerts", Produced.with(Serdes.String(), JacksonSerde.json(Alert.class)));
        try {
            stateDir = Files.createTempDirectory("trailwatch-silence-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), props, T0);
        events = driver.createInputTopic("events", Serdes.String().serializer(), Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic("alerts", Serdes.String().deserializer(),
                JacksonSerde.json(Alert.class).deserializer());
    }

    private static <T> T setting(ConfigKey<T> key, Map<String, String> settings) {
        return key.parse(settings.getOrDefault(key.name(), key.defaultValue()));
    }

    SilenceTopology() {
        this(Map.of());
    }

    /** An event of {@code account} in {@code region} arriving now (its eventTime a delivery delay earlier). */
    TestEvents arrive(String account, String region) {
        Instant eventTime = now.minus(DELIVERY_DELAY);
        TestEvents event = TestEvents.event("ec2.amazonaws.com", "DescribeInstances", eventTime)
                .set("awsRegion", region).set("recipientAccountId", account);
        events.pipeInput(new TestRecord<>(account, event.bytes(), eventTime));
        return event;
    }

    /** Lets {@code minutes} minutes pass, running {@code eachMinute} (the traffic that goes on) at each. */
    void minutes(int minutes, Runnable eachMinute) {
        for (int i = 0; i < minutes; i++) {
            eachMinute.run();
            now = now.plus(Duration.ofMinutes(1));
            driver.advanceWallClockTime(Duration.ofMinutes(1));
        }
    }

    void minutes(int minutes) {
        minutes(minutes, () -> { });
    }

    Instant now() {
        return now;
    }

    List<Alert> alerts() {
        return alerts.readValuesToList();
    }

    /** The regions the store holds for {@code account}, none when the account is gone. */
    List<String> storedRegions(String account) {
        AccountActivity activity = driver.<String, AccountActivity>getKeyValueStore(TrailSilentDetector.STORE)
                .get(account);
        return activity == null ? List.of() : activity.regions().keySet().stream().sorted().toList();
    }

    /** The eventID of the last event the store holds for {@code account} x {@code region}, null when none. */
    String storedLastEventId(String account, String region) {
        AccountActivity activity = driver.<String, AccountActivity>getKeyValueStore(TrailSilentDetector.STORE)
                .get(account);
        RegionActivity entry = activity == null ? null : activity.regions().get(region);
        return entry == null ? null : entry.lastEventId;
    }

    double counted(String severity) {
        var counter = metrics.registry().find("trailwatch.alerts").tag("rule", TrailSilentDetector.ID)
                .tag("severity", severity).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
