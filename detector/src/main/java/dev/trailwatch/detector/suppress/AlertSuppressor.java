package dev.trailwatch.detector.suppress;

import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.detect.kit.TimerIndex;
import dev.trailwatch.detector.detect.kit.UnreadableTimers;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds repeats of one rule for one entity (rule + account + principal) into one alert per suppression window, the
 * windows aligned to the epoch ({@link AlertIds#windowStart}): a match belongs to the window holding its event time,
 * whatever order matches arrive in, and the alert id is the rule, the entity and that window's start.
 *
 * <p>The first match of a window to arrive is sent at once. Later matches of the window fold in; once event time is
 * one reorder horizon past the window's end (no match of it can still arrive within the contract) the window closes
 * with one update (same id) if the alert as it stands differs from what was sent: its events are the first
 * {@link Alert#MAX_EVENT_IDS} by (event time, event id), its count every distinct match, its wording and severity
 * those of the most severe match (the earliest of those), its first and last event times the earliest and latest. So
 * the last record of every alert id is a function of the matches. A match more severe than the alert so far is
 * reported at once (an update raising the alert); other folded changes never wait longer than
 * {@code alerts.report-within} of wall-clock time ({@link ReportBound}). A repeated {@code eventID} among the listed
 * events is never counted again.
 *
 * <p>A closed window is kept one more horizon: a match of it that arrives still later (beyond the contract) folds in
 * and an update goes out at once, so it still carries the window's whole content. Later than that, the match opens
 * its window again, with the same id and only itself: it is reported, never dropped.
 *
 * <p>Input: draft alerts (no id yet), keyed by account. Windows are found by expiry through a second store whose
 * keys sort by due time (the shared {@link TimerIndex}), so closing them costs a range scan of the due ones.
 */
final class AlertSuppressor implements Processor<String, Alert, String, Alert> {

    private static final Duration PUNCTUATE_EVERY = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(AlertSuppressor.class);

    private final SuppressionStores names;
    private final long window;
    /** What the detector of held matches still holds in each task; null for matches that come with the input. */
    private final HeldBack held;
    private final DetectionKit kit;
    private final long horizon;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, SuppressionState> open;
    private TimerIndex byExpiry;
    /** The latest event time of a match seen by this task since {@link #init} (cleared there). */
    private long latestMatch = Long.MIN_VALUE;
    private boolean warnedUnknown;
    private final Punctuators punctuators = new Punctuators();

    /**
     * @param held what the detector of held-back matches still holds ({@link Suppression#apply(KStream, String,
     *             Duration, HeldBack, DetectionKit)}); null for matches that come as their events are read
     */
    AlertSuppressor(SuppressionStores names, Duration window, HeldBack held, DetectionKit kit) {
        this.names = names;
        this.window = window.toMillis();
        this.held = held;
        this.kit = kit;
        this.horizon = kit.watermark().horizon();
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.open = context.getStateStore(names.open());
        this.byExpiry = new TimerIndex(context.getStateStore(names.byExpiry()));
        UnreadableTimers.drop(byExpiry, names.open(), context.taskId(), kit.metrics().registry(), this::retime);
        // Kafka Streams calls init again on this same object when it revives the task after an exactly-once abort,
        // with the stores restored to the last commit and the records since read again. Kept, the aborted matches'
        // event time closed and forgot windows before their own replayed repeats came back (AlertSuppressorReviveTest).
        latestMatch = Long.MIN_VALUE;
        punctuators.replace(context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::closeDue),
                kit.flush().onRequest(context, this::closeEverything),
                ReportBound.schedule(context, kit, this::reportDue));
    }

    @Override
    public void close() {
        punctuators.cancel();
    }

    @Override
    public void process(Record<String, Alert> record) {
        Alert match = record.value();
        String entity = match.accountId() + '|' + match.principal();
        long time = record.timestamp();
        latestMatch = Math.max(latestMatch, time);
        long start = AlertIds.windowStart(time, window);
        String key = match.ruleId() + '|' + entity + '|' + start;
        SuppressionState state = open.get(key);
        if (state == null || state.isLegacy()) {
            Alert alert = match.withAlertId(AlertIds.of(match.ruleId(), entity, start));
            context.forward(record.withValue(alert));
            SuppressionState opened = SuppressionState.opened(alert, start + window);
            open.put(key, opened);
            byExpiry.schedule(closeAt(opened), key);
            return;
        }
        if (state.hasSeen(match.eventIds().get(0))) {
            return;
        }
        kit.metrics().alertFolded(match.ruleId());
        Severity before = state.anchor().severity();
        state = state.plus(match, context.currentSystemTimeMs());
        if ((state.closed() || state.anchor().severity().compareTo(before) > 0) && state.unreported()) {
            // an escalating repeat is reported at once, not after alerts.report-within
            report(state);
            state = state.reportedAll();
        }
        open.put(key, state);
    }

    /** Event time at which no match of the window can arrive any more within the reorder horizon. */
    private long closeAt(SuppressionState state) {
        return state.windowEnd() + horizon;
    }

    /**
     * A window's timer again, from its state (its timer key could not be read), as {@link #closeDue} would set it; a
     * legacy state goes at once. How many were set: one, or none for a window no longer held.
     */
    private int retime(String key) {
        SuppressionState state = open.get(key);
        if (state == null) {
            return 0;
        }
        byExpiry.schedule(state.isLegacy() ? 0 : state.closed() ? forgetAt(state) : closeAt(state), key);
        return 1;
    }

    /** Event time at which a closed window is forgotten. */
    private long forgetAt(SuppressionState state) {
        return closeAt(state) + horizon;
    }

    /**
     * Closes the windows event time has passed by one horizon and forgets the closed ones one horizon later. Event
     * time: the task's stream time for matches that come as their events are read; for matches held back until the
     * whole input is complete past their time plus the horizon, how far that has been released, short of the
     * earliest match the detector still holds.
     */
    private void closeDue(long streamTime) {
        long now = held == null ? Math.max(streamTime, latestMatch) : released(streamTime);
        if (now == Long.MIN_VALUE) {
            return;
        }
        for (String key : byExpiry.takeDueBefore(now + 1)) {
            SuppressionState state = open.get(key);
            if (state == null) {
                continue;
            }
            if (state.isLegacy() || state.closed() && forgetAt(state) <= now) {
                open.delete(key);
            } else if (!state.closed() && closeAt(state) <= now) {
                close(key, state, now);
            } else {
                byExpiry.schedule(state.closed() ? forgetAt(state) : closeAt(state), key);
            }
        }
    }

    /**
     * How far held matches have been released: {@link InputWatermark#releasedUpTo}, the rule their detector releases
     * them by (the input complete past their time plus the horizon), or the latest match seen when that is further;
     * but never up to the earliest match the detector still holds in this task ({@link HeldBack}). The watermark is
     * the instance's, moved by other tasks and threads too: it may have passed a held match the detector has not
     * looked at since, and closing its window then would reopen it, same id, with that match alone. Nothing, until
     * the detector has said what it holds (it does in its {@code init}, from its stores).
     */
    private long released(long streamTime) {
        long earliestHeld = held.earliest(context.taskId());
        if (earliestHeld == HeldBack.UNKNOWN) {
            if (latestMatch != Long.MIN_VALUE && !warnedUnknown) {
                // its detector sent matches in this task without saying what it holds: its windows would never close
                warnedUnknown = true;
                LOG.warn("Suppression {} in task {} has matches but no word from its detector on what it still holds: "
                        + "its windows stay open (are the detector and its suppression in different tasks?)",
                        names.open(), context.taskId());
            }
            return Long.MIN_VALUE;
        }
        InputWatermark watermark = kit.watermark();
        watermark.observe(context.taskId().partition(), streamTime);
        long released = watermark.releasedUpTo();
        long upTo = released == InputWatermark.NOTHING ? latestMatch : Math.max(latestMatch, released);
        return earliestHeld == HeldBack.NONE ? upTo : Math.min(upTo, earliestHeld - 1);
    }

    /** Ends a window: its final content goes out when it differs from what was sent; kept a horizon longer. */
    private void close(String key, SuppressionState state, long now) {
        if (state.unreported()) {
            report(state);
        }
        SuppressionState closed = state.closedNow();
        if (forgetAt(closed) <= now) {
            open.delete(key);
        } else {
            open.put(key, closed);
            byExpiry.schedule(forgetAt(closed), key);
        }
    }

    /** End of input: every window closes as if event time had moved past it (kept, for a match still released). */
    private void closeEverything() {
        List<KeyValue<String, SuppressionState>> all = new ArrayList<>();
        try (KeyValueIterator<String, SuppressionState> it = open.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, SuppressionState> entry : all) {
            SuppressionState state = entry.value;
            if (state.isLegacy()) {
                open.delete(entry.key);
            } else if (!state.closed()) {
                if (state.unreported()) {
                    report(state);
                }
                open.put(entry.key, state.closedNow());
            }
        }
    }

    /** Sends an update of the windows whose folded changes have waited longer than the report bound. */
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
        context.forward(new Record<>(state.anchor().accountId(), state.update(Instant.now()),
                state.lastEventTime()));
    }
}
