package dev.trailwatch.detector.detect.location;

import static dev.trailwatch.detector.detect.location.LoginEvents.DE_STRATO;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_GOOGLE;
import static dev.trailwatch.detector.detect.location.LoginEvents.login;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.detect.kit.TimerIndex;
import dev.trailwatch.detector.detect.kit.UnreadableTimers;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.serde.JacksonSerde;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Timer keys the login-location processor cannot read (a store written by another version, or damaged), as a task
 * restored from its changelog finds them: each is dropped at start, counted and logged; the user it names keeps its
 * held alert, timed again from its baseline; and no such key sets the release alarm, which would otherwise ring at
 * every stream time, forever, with nothing to take.
 */
class LoginLocationTimerKeysTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final Instant AFTER = T0.plus(Duration.ofDays(15));
    private static final long HORIZON = Duration.ofMinutes(15).toMillis();
    private static final String BASELINE = LoginLocationFamily.NAME + "-baseline";
    private static final String TIMERS = LoginLocationFamily.NAME + "-timers";
    private static final String ALICE = LoginEvents.ACCOUNT + "|arn:aws:iam::" + LoginEvents.ACCOUNT + ":user/alice";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private GeoIp geoIp;
    private MockProcessorContext<String, Alert> context;
    private KeyValueStore<String, String> timerStore;
    private LoginLocationProcessor processor;

    @BeforeEach
    void setUp() {
        geoIp = GeoIp.open(GeoIpDatabases.country().toString(), GeoIpDatabases.asn().toString());
        context = new MockProcessorContext<>();
        context.setCurrentStreamTimeMs(0);
        context.setCurrentSystemTimeMs(0);
        KeyValueStore<String, LoginBaseline> baselines = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(BASELINE), Serdes.String(), JacksonSerde.smile(LoginBaseline.class))
                .withLoggingDisabled().build();
        timerStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TIMERS), Serdes.String(),
                Serdes.String()).withLoggingDisabled().build();
        baselines.init(context.getStateStoreContext(), baselines);
        timerStore.init(context.getStateStoreContext(), timerStore);
        context.addStateStore(baselines);
        context.addStateStore(timerStore);
        TrailWatchMetrics metrics = new TrailWatchMetrics(registry);
        DetectionKit kit = new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never());
        processor = new LoginLocationProcessor(new LoginLocationFamily.Parameters(geoIp,
                Duration.ofDays(14).toMillis(), Duration.ofDays(90).toMillis(), HORIZON, 100, BASELINE, TIMERS, kit));
    }

    @AfterEach
    void tearDown() {
        processor.close();
    }

    @Test
    void unreadableTimerKeysAreDroppedAtStartCountedAndSetNoAlarm() {
        // '!' and ' ' sort before every digit: read as the earliest timer, such a key was "due at 0" for ever.
        timerStore.put("!garbage", "nobody");
        timerStore.put(" 1760000000000|" + ALICE, ALICE);
        timerStore.put("17600000|" + ALICE, ALICE); // not zero-padded
        timerStore.put("99999999999999999999|" + ALICE, ALICE); // beyond a long

        processor.init(context);

        assertThat(keys()).isEmpty();
        assertThat(dropped()).isEqualTo(4);
        assertThat(alarms()).as("nothing is held: no release alarm").isEmpty();
    }

    @Test
    void aHeldAlertWhoseTimerKeyWasUnreadableStillGoesOutAtItsDueTime() {
        processor.init(context);
        feed(login("alice", US_GOOGLE, T0));
        TestEvents berlin = login("alice", DE_STRATO, AFTER);
        feed(berlin);
        long due = AFTER.toEpochMilli() + HORIZON;
        assertThat(keys()).as("the held alert's timer").hasSize(1);
        // The task restarts from a store whose timer key for alice cannot be read.
        timerStore.put(keys().get(0), null);
        timerStore.put("!" + due + "|" + ALICE, ALICE);

        processor.init(context);

        assertThat(dropped()).isEqualTo(1);
        assertThat(keys()).as("alice's timer, written again").hasSize(1)
                .allSatisfy(key -> assertThat(TimerIndex.timeOf(key)).isEqualTo(due));
        assertThat(alarms()).as("the release alarm, set for the held alert's due time")
                .extracting(p -> p.getStartTime().toEpochMilli()).containsExactly(due);
        context.setCurrentStreamTimeMs(due);
        alarms().get(0).getPunctuator().punctuate(due);

        assertThat(context.forwarded()).extracting(f -> f.record().value())
                .satisfiesExactly(alert -> {
                    assertThat(alert.ruleId()).isEqualTo(ConsoleLoginNewCountryDetector.ID);
                    assertThat(alert.eventIds()).containsExactly(berlin.eventId());
                });
        assertThat(keys()).as("the timer, taken").isEmpty();
        assertThat(alarms()).as("nothing left to release: no alarm").isEmpty();
    }

    @Test
    void readsOnlyTheTimerIndexFormatAsATime() {
        assertThat(TimerIndex.timeOf("0001760000000000000|a|user")).isEqualTo(1_760_000_000_000_000L);
        assertThat(TimerIndex.timeOf("0000000000000000000|u")).isZero();
        assertThat(TimerIndex.timeOf("0000000000000000000|")).as("no user").isEqualTo(-1);
        assertThat(TimerIndex.timeOf("000000000000000000a|u")).isEqualTo(-1);
        assertThat(TimerIndex.timeOf("000000000000000000٣|u")).as("a non-ASCII digit").isEqualTo(-1);
        assertThat(TimerIndex.timeOf("-000000000000000001|u")).isEqualTo(-1);
    }

    private void feed(TestEvents event) {
        CloudTrailEvent parsed = ((ParseResult.Parsed) PARSER.parse(event.bytes())).event();
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), parsed.eventTime()));
        processor.process(new Record<>(parsed.recipientAccountId(), parsed, parsed.eventTime()));
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> all = timerStore.all()) {
            all.forEachRemaining((KeyValue<String, String> entry) -> keys.add(entry.key));
        }
        return keys;
    }

    /** The release alarms set and not cancelled: the processor's only stream-time schedules with a start time. */
    private List<CapturedPunctuator> alarms() {
        return context.scheduledPunctuators().stream().filter(p -> p.getStartTime() != null && !p.cancelled())
                .toList();
    }

    private double dropped() {
        Counter counter = registry.find(UnreadableTimers.METRIC)
                .tag("detection", LoginLocationFamily.NAME).counter();
        return counter == null ? 0 : counter.count();
    }
}
