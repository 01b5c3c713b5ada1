package dev.trailwatch.detector.suppress;

import dev.trailwatch.detector.detect.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds repeats of one rule for one entity (rule + account + principal). The first match is sent at once with a
 * fresh deterministic id; later matches within the suppression window only grow a count, and when the window closes
 * (event time) one follow-up with the same {@code alertId}, the total {@code eventCount} and the last event time is
 * sent. A repeated {@code eventID} (CloudTrail delivers some events twice) is never counted again.
 *
 * <p>Input: draft alerts (no id yet), keyed by account. Windows are found by expiry through a second store whose
 * keys sort by window end, so closing them costs a range scan of the due ones, not of every open window.
 */
final class AlertSuppressor implements Processor<String, Alert, String, Alert> {

    private static final Duration PUNCTUATE_EVERY = Duration.ofMinutes(1);
    private static final Duration FLUSH_CHECK_EVERY = Duration.ofMillis(200);

    private final SuppressionStores names;
    private final Duration window;
    private final TrailWatchMetrics metrics;
    private final FlushSignal flush;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, SuppressionState> open;
    private KeyValueStore<String, String> byExpiry;
    private long flushedGeneration;

    AlertSuppressor(SuppressionStores names, Duration window, TrailWatchMetrics metrics, FlushSignal flush) {
        this.names = names;
        this.window = window;
        this.metrics = metrics;
        this.flush = flush;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.open = context.getStateStore(names.open());
        this.byExpiry = context.getStateStore(names.byExpiry());
        context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::closeDue);
        if (flush.enabled()) {
            context.schedule(FLUSH_CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> flushIfRequested());
        }
    }

    @Override
    public void process(Record<String, Alert> record) {
        Alert match = record.value();
        String entity = match.accountId() + '|' + match.principal();
        String key = match.ruleId() + '|' + entity;
        long time = record.timestamp();
        SuppressionState state = open.get(key);
        if (state != null && time >= state.windowEnd()) {
            close(key, state);
            state = null;
        }
        if (state == null) {
            Alert alert = match.withAlertId(AlertIds.of(match.ruleId(), entity, time));
            context.forward(record.withValue(alert));
            remember(key, new SuppressionState(alert, time + window.toMillis(), alert.eventCount(),
                    alert.eventIds(), time));
        } else if (!state.hasSeen(match.eventIds().get(0))) {
            open.put(key, state.plus(match));
            metrics.alertFolded(match.ruleId());
        }
    }

    private void remember(String key, SuppressionState state) {
        open.put(key, state);
        byExpiry.put(expiryKey(state.windowEnd(), key), key);
    }

    private void closeDue(long streamTime) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = byExpiry.range(expiryKey(0, ""), expiryKey(streamTime, "\uffff"))) {
            it.forEachRemaining(due::add);
        }
        due.forEach(entry -> closeAndForget(entry.key, entry.value));
    }

    private void flushIfRequested() {
        long generation = flush.generation();
        if (generation != flushedGeneration) {
            flushedGeneration = generation;
            closeDue(Long.MAX_VALUE / 2);
        }
    }

    private void closeAndForget(String expiryKey, String key) {
        byExpiry.delete(expiryKey);
        SuppressionState state = open.get(key);
        if (state != null && expiryKey.equals(expiryKey(state.windowEnd(), key))) {
            close(key, state);
        }
    }

    /** Ends a window: a follow-up goes out only when something was folded into it. */
    private void close(String key, SuppressionState state) {
        open.delete(key);
        byExpiry.delete(expiryKey(state.windowEnd(), key));
        if (state.folded()) {
            Alert followUp = state.alert().folded(state.eventIds(), state.count(),
                    Instant.ofEpochMilli(state.lastEventTime()), Instant.now());
            context.forward(new Record<>(state.alert().accountId(), followUp, state.lastEventTime()));
        }
    }

    /** Zero-padded so that keys sort by window end. */
    private static String expiryKey(long windowEnd, String key) {
        return String.format("%019d|%s", windowEnd, key);
    }
}
