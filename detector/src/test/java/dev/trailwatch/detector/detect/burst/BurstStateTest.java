package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.ChangeLoggingKeyValueBytesStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The burst state itself: it lives in persistent, changelogged stores (a restart restores it: see
 * {@code BurstRestartIT}), and a key is forgotten once its windows have closed, so nothing grows without bound.
 * Drives its own TopologyTestDriver to look into the stores.
 */
class BurstStateTest {

    private static final String STATE = "failed-console-login-burst-by-ip-state";
    private static final String EXPIRY = "failed-console-login-burst-by-ip-expiry";
    private static final List<String> BURST_STORES = Stream.of("failed-console-login-burst-by-ip",
            "failed-console-login-burst-by-user", "console-password-spray-by-ip", "console-bruteforce-success",
            "access-denied-burst-by-principal", "access-denied-burst-by-ip")
            .flatMap(name -> Stream.of(name + "-state", name + "-expiry")).toList();

    @TempDir
    Path stateDir;

    @Test
    void keepsEveryBurstStoreOnDiskAndInAChangelog() {
        try (Driver driver = new Driver(stateDir)) {
            driver.pipe(failedLogin(ATTACKER, "alice", atSeconds(0)));
            driver.pipe(BurstEvents.denied("mallory", ATTACKER, "ListUsers", atSeconds(1)));

            for (String store : BURST_STORES) {
                assertThat(driver.driver.getKeyValueStore(store).persistent()).as(store).isTrue();
                assertThat(changelogged(driver.driver.getKeyValueStore(store))).as(store).isTrue();
            }
            // the states' journal entries are written at the commit, and reach the changelog
            assertThat(driver.driver.producedTopicNames())
                    .contains("trailwatch-detector-" + STATE + "-changelog");
        }
    }

    @Test
    void forgetsAKeyAndItsTimersOnceItsWindowsHaveClosed() {
        try (Driver driver = new Driver(stateDir)) {
            for (int i = 0; i < 12; i++) {
                driver.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            assertThat(driver.states(STATE)).contains(ATTACKER);
            // timers are on the heap only, made again from the states when a task starts
            assertThat(driver.keys(EXPIRY)).noneMatch(key -> key.endsWith("|" + ATTACKER));

            // The burst [T0, T0+5m) closes after T0+20m; its follow-up goes out and the IP is forgotten.
            driver.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(25))));

            assertThat(driver.alerts()).filteredOn(a -> a.ruleId().equals(FailedConsoleLoginBurstDetector.ID))
                    .extracting(Alert::eventCount).containsExactly(10L, 12L);
            assertThat(driver.states(STATE)).containsExactly(BYSTANDER);
            assertThat(driver.keys(EXPIRY)).noneMatch(key -> key.endsWith("|" + ATTACKER));
        }
    }

    /**
     * A window that keeps all its events (no more than an alert lists) tells a copy from a new event by itself: no
     * seen id is written for it. One of more events writes the ids of those it does not keep, and forgets them once
     * they are out of reach.
     */
    @Test
    void writesSeenIdsOnlyForTheEventsAWindowDoesNotKeep() {
        try (Driver driver = new Driver(stateDir)) {
            for (int i = 0; i < 12; i++) {
                driver.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            assertThat(driver.keys(EXPIRY)).noneMatch(key -> key.startsWith("~seen|"));

            List<TestEvents> busy = new ArrayList<>();
            for (int i = 0; i < Alert.MAX_EVENT_IDS + 20; i++) {
                busy.add(failedLogin(BYSTANDER, "carol", atSeconds(60 + i)));
            }
            busy.forEach(driver::pipe);
            busy.forEach(driver::pipe);
            assertThat(driver.keys(EXPIRY)).filteredOn(key -> key.startsWith("~seen|")).hasSize(20);

            driver.pipe(failedLogin("192.0.2.99", "zed", at(Duration.ofMinutes(40))));
            assertThat(driver.alerts()).filteredOn(a -> a.ruleId().equals(FailedConsoleLoginBurstDetector.ID))
                    .filteredOn(a -> a.sourceIp().equals(BYSTANDER)).last()
                    .extracting(Alert::eventCount).isEqualTo((long) Alert.MAX_EVENT_IDS + 20);
            assertThat(driver.keys(EXPIRY)).noneMatch(key -> key.startsWith("~seen|"));
        }
    }

    /**
     * State written before windows were aligned to the epoch (waiting entries and bursts anchored on their first
     * event) must not stop the application after an upgrade: it reads as no open windows, and the key is dropped when
     * its timer fires.
     */
    @Test
    void readsStateWrittenBeforeAlignedWindowsAsNoOpenWindows() {
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("pending", List.of(Map.of("time", 1_000L, "eventId", "e1", "token", "111122223333/alice")));
        old.put("bursts", List.of(Map.of("start", 0L, "end", 300_000L, "count", 10L, "eventIds", List.of("e0"),
                "tokens", List.of("111122223333/alice"), "lastEventTime", 9_000L, "reported", 10L,
                "pendingSince", 0L)));
        old.put("dueAt", 1_200_000L);
        byte[] bytes = JacksonSerde.smile(Map.class).serializer().serialize("t", old);

        BurstState state = BurstStateCodec.SERDE.deserializer().deserialize("t", bytes);

        assertThat(state.windows()).isEmpty();
        assertThat(state.isEmpty()).isTrue();
        assertThat(state.dueAt()).isEqualTo(1_200_000L);
    }

    /** Whether a store writes a changelog: a change-logging layer among the layers it is wrapped in. */
    private static boolean changelogged(StateStore store) {
        for (StateStore layer = store; layer instanceof WrappedStateStore<?, ?, ?> wrapped; layer = wrapped.wrapped()) {
            if (layer instanceof ChangeLoggingKeyValueBytesStore) {
                return true;
            }
        }
        return false;
    }

    /** The real topology over a given state directory, closed without deleting it. */
    private static final class Driver implements AutoCloseable {

        final TopologyTestDriver driver;
        private final TestInputTopic<String, byte[]> events;
        private final TestOutputTopic<String, Alert> alerts;

        Driver(Path stateDir) {
            DetectorConfig config = DetectorConfig.defaults();
            Topics topics = Topics.from(config);
            TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
            Properties props = config.streamsProperties();
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(DeadLetterProcessingHandler.METRICS_CONFIG, metrics);
            driver = new TopologyTestDriver(DetectorTopology.build(config, TopologyHarness.rules(), metrics), props);
            events = driver.createInputTopic(topics.events().name(), Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            alerts = driver.createOutputTopic(topics.alerts().name(), Serdes.String().deserializer(),
                    topics.alerts().valueSerde().deserializer());
        }

        void pipe(TestEvents event) {
            Instant time = Instant.parse(event.json().get("eventTime").asText());
            events.pipeInput(new TestRecord<>(TestEvents.ACCOUNT, event.bytes(), time));
        }

        List<Alert> alerts() {
            return alerts.readValuesToList();
        }

        List<String> keys(String store) {
            KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, Object> it = kv.all()) {
                it.forEachRemaining((KeyValue<String, Object> entry) -> keys.add(entry.key));
            }
            return keys;
        }

        /** The keys with a state in a windowed processor's state store, as its journal holds them. */
        List<String> states(String store) {
            KeyValueStore<String, byte[]> kv = driver.getKeyValueStore(store);
            StateJournal<BurstState> journal = new StateJournal<>(kv, BurstStateCodec.SERDE);
            journal.load();
            return journal.all().stream().map(entry -> entry.key).toList();
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
