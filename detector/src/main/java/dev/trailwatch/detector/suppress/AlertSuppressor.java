package dev.trailwatch.detector.suppress;

import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.detect.kit.TimerIndex;
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
 * sent. Folded events never wait longer than {@code alerts.report-within} of wall-clock time ({@link ReportBound}):
 * an update with the same id reports them even if event time stops, and the close then sends one more only for events
 * folded after that. A repeated {@code eventID} (CloudTrail delivers some events twice) is never counted again.
 *
 * <p>Input: draft alerts (no id yet), keyed by account. Windows are found by expiry through a second store whose
 * keys sort by window end (the shared {@link TimerIndex}), so closing them costs a range scan of the due ones, not
 * of every open window.
 */
final class AlertSuppressor implements Processor<String, Alert, String, Alert> {

    private static final Duration PUNCTUATE_EVERY = Duration.ofMinutes(1);

    private final SuppressionStores names;
    private final Duration window;
    private final DetectionKit kit;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, SuppressionState> open;
    private TimerIndex byExpiry;

    AlertSuppressor(SuppressionStores names, Duration window, DetectionKit kit) {
        this.names = names;
        this.window = window;
        this.kit = kit;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.open = context.getStateStore(names.open());
        this.byExpiry = new TimerIndex(context.getStateStore(names.byExpiry()));
        context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::closeDue);
        kit.flush().onRequest(context, () -> closeDue(Long.MAX_VALUE / 2));
        ReportBound.schedule(context, kit, this::reportDue);
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
            remember(key, new SuppressionState(alert, time + window.toMillis()));
        } else if (!state.hasSeen(match.eventIds().get(0))) {
            open.put(key, state.plus(match, context.currentSystemTimeMs()));
            kit.metrics().alertFolded(match.ruleId());
        }
    }

    private void remember(String key, SuppressionState state) {
        open.put(key, state);
        byExpiry.schedule(state.windowEnd(), key);
    }

    /** Closes the windows that end at or before {@code streamTime}. */
    private void closeDue(long streamTime) {
        for (String key : byExpiry.takeDueBefore(streamTime + 1)) {
            SuppressionState state = open.get(key);
            if (state != null && state.windowEnd() <= streamTime) {
                close(key, state);
            }
        }
    }

    /** Ends a window: a follow-up goes out only when something was folded into it and not yet reported. */
    private void close(String key, SuppressionState state) {
        open.delete(key);
        byExpiry.cancel(state.windowEnd(), key);
        if (state.unreported()) {
            report(state);
        }
    }

    /** Sends an update of the windows whose folded events have waited longer than the report bound. */
    private void reportDue(long now) {
        List<KeyValue<String, SuppressionState>> due = new ArrayList<>();
        try (KeyValueIterator<String, SuppressionState> it = open.all()) {
            it.forEachRemaining(entry -> {
                if (ReportBound.due(entry.value.pendingSince(), now, kit.reportWithin())) {
                    due.add(entry);
                }
            });
        }
        for (KeyValue<String, SuppressionState> entry : due) {
            report(entry.value);
            open.put(entry.key, entry.value.reportedAll());
        }
    }

    private void report(SuppressionState state) {
        context.forward(new Record<>(state.alert().accountId(), state.update(Instant.now()), state.lastEventTime()));
    }
}
