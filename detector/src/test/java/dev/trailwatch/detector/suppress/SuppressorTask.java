package dev.trailwatch.detector.suppress;

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
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One stream task of an {@link AlertSuppressor}, played on a {@link MockProcessorContext}: the suppression's two
 * stores (in memory, no changelog), matches fed as a task reads them and its stream-time punctuation run as a task
 * runs it. The suppressors it makes use one-hour windows and a 15-minute reorder horizon; a test may make several
 * over the same stores (a restart, a revive).
 */
final class SuppressorTask {

    /** The top of an hour: suppression windows are an hour, aligned to the epoch. */
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final Duration WINDOW = Duration.ofHours(1);
    static final Duration HORIZON = Duration.ofMinutes(15);
    static final String ACCOUNT = "111122223333";

    final MockProcessorContext<String, Alert> context = new MockProcessorContext<>();
    /** Where the suppressors' metrics go. */
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SuppressionStores stores;

    SuppressorTask(SuppressionStores stores) {
        this.stores = stores;
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        addStore(stores.open(), JacksonSerde.smile(SuppressionState.class));
        addStore(stores.byExpiry(), Serdes.String());
    }

    /**
     * A suppressor of this task's stores, not initialised yet.
     *
     * @param held what its detector still holds, for held suppression; null for matches that come with the input
     */
    AlertSuppressor suppressor(HeldBack held) {
        TrailWatchMetrics metrics = new TrailWatchMetrics(registry);
        return new AlertSuppressor(stores, WINDOW, held,
                new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never(),
                        Duration.ofHours(1), InputWatermark.singlePartition(HORIZON)));
    }

    /** As a stream task does: stream time is the highest timestamp read, and its punctuators run once it moved. */
    void feed(AlertSuppressor suppressor, Alert match) {
        long time = match.firstEventTime().toEpochMilli();
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), time));
        suppressor.process(new Record<>(match.accountId(), match, time));
        punctuate(Instant.ofEpochMilli(context.currentStreamTimeMs()));
    }

    /**
     * Moves stream time to {@code streamTime} (never back) and runs the stream-time punctuators still scheduled (a
     * task runs none that were cancelled: a suppressor's close, or its init again after a revive, cancels its own).
     */
    void punctuate(Instant streamTime) {
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), streamTime.toEpochMilli()));
        context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.STREAM_TIME && !p.cancelled())
                .forEach(p -> p.getPunctuator().punctuate(context.currentStreamTimeMs()));
    }

    /** What was forwarded since the last call (or reset). */
    List<Alert> sent() {
        List<Alert> sent = context.forwarded().stream().<Alert>map(f -> f.record().value()).toList();
        context.resetForwards();
        return sent;
    }

    /** A draft alert as a detector sends it to suppression: one event, in {@link #ACCOUNT}. */
    static Alert match(String rule, String principal, String eventId, Instant time) {
        return Alert.builder().ruleId(rule).title("Match of " + rule).description("a match of " + rule)
                .severity(Severity.HIGH).accountId(ACCOUNT).principal(principal).eventIds(List.of(eventId))
                .eventCount(1).firstEventTime(time).lastEventTime(time).mitre(List.of("T1078")).runbook("look")
                .evidence(Map.of()).build();
    }

    private <V> void addStore(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }
}
