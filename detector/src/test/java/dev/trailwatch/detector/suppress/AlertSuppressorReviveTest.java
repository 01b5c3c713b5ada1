package dev.trailwatch.detector.suppress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.CommittedStores;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.serde.JacksonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * What an exactly-once abort does to a stream task, and what suppression must survive: Kafka Streams closes the task
 * dirty (its output since the last commit aborted, its stores restored from the committed changelog) and revives it,
 * calling {@code init} again on the SAME processor object, which then reads the records after the last commit once
 * more. Event time the aborted records taught must not survive into that replay: kept, it closed and forgot a window
 * before its own replayed repeat arrived, and the repeat reopened the alert with itself alone.
 */
class AlertSuppressorReviveTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String RULE = "root-account-used";
    private static final SuppressionStores STORES = SuppressionStores.forDetector("revive-test");

    /** Committed before the abort: the first match, which goes out at once. */
    private static final List<Alert> BEFORE = List.of(match("root", "e0", T0));

    /** Read after the last commit: another principal's match, a repeat of the first, then one hours later. */
    private static final List<Alert> AFTER_COMMIT = List.of(match("admin", "e1", T0.plus(Duration.ofMinutes(2))),
            match("root", "e2", T0.plus(Duration.ofMinutes(10))), match("admin", "e3", T0.plus(Duration.ofHours(5))));

    /** Later still: every window has closed. */
    private static final List<Alert> AFTER = List.of(match("admin", "e4", T0.plus(Duration.ofHours(9))));

    @Test
    void aRevivedSuppressorSendsTheAlertsOfAnUninterruptedRun() {
        Map<String, Alert> uninterrupted = run(false);
        assertThat(uninterrupted.values()).filteredOn(a -> a.principal().equals("root")).singleElement()
                .satisfies(root -> assertThat(root.eventIds()).containsExactly("e0", "e2"));

        assertThat(run(true)).isEqualTo(uninterrupted);
    }

    /**
     * Feeds BEFORE, commits, feeds the records after the commit; with {@code abort}, then aborts as Kafka Streams does
     * (output since the commit dropped, stores back to the commit, {@code init} again on the same object) and feeds
     * them again; then AFTER. Returns the committed output: the last version of each alert id.
     */
    private static Map<String, Alert> run(boolean abort) {
        MockProcessorContext<String, Alert> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        addStore(context, STORES.open(), JacksonSerde.smile(SuppressionState.class));
        addStore(context, STORES.byExpiry(), Serdes.String());
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        AlertSuppressor suppressor = new AlertSuppressor(STORES, Duration.ofHours(1), null,
                new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never(),
                        Duration.ofHours(1), InputWatermark.singlePartition(Duration.ofMinutes(15))));
        suppressor.init(context);
        List<Alert> committed = new ArrayList<>();

        BEFORE.forEach(match -> feed(context, suppressor, match));
        CommittedStores committedStores = CommittedStores.at(context, List.of(STORES.open(), STORES.byExpiry()));
        long committedStreamTime = context.currentStreamTimeMs();
        commit(context, committed);

        AFTER_COMMIT.forEach(match -> feed(context, suppressor, match));
        if (abort) {
            context.resetForwards();
            committedStores.restore(context);
            context.setCurrentStreamTimeMs(committedStreamTime);
            suppressor.init(context);
            AFTER_COMMIT.forEach(match -> feed(context, suppressor, match));
        }
        AFTER.forEach(match -> feed(context, suppressor, match));
        commit(context, committed);

        Map<String, Alert> last = new TreeMap<>();
        committed.forEach(alert -> last.put(alert.alertId(), alert.toBuilder().detectedAt(null).build()));
        return last;
    }

    private static Alert match(String user, String eventId, Instant time) {
        return Alert.builder().ruleId(RULE).title("Root used").description("root used").severity(Severity.HIGH)
                .accountId("111122223333").principal(user).eventIds(List.of(eventId)).eventCount(1)
                .firstEventTime(time).lastEventTime(time).mitre(List.of("T1078.004")).runbook("look")
                .evidence(Map.of()).build();
    }

    /** As a stream task does: stream time is the highest timestamp read, and its punctuators run once it moved. */
    private static void feed(MockProcessorContext<String, Alert> context, AlertSuppressor suppressor, Alert match) {
        long time = match.firstEventTime().toEpochMilli();
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), time));
        suppressor.process(new Record<>(match.accountId(), match, time));
        context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.STREAM_TIME)
                .forEach(p -> p.getPunctuator().punctuate(context.currentStreamTimeMs()));
    }

    private static void commit(MockProcessorContext<String, Alert> context, List<Alert> committed) {
        context.forwarded().forEach(f -> committed.add(f.record().value()));
        context.resetForwards();
    }

    private static <V> void addStore(MockProcessorContext<String, Alert> context, String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }
}
