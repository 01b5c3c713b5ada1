package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts one key space's events in event-time windows aligned to the epoch and alerts once per window that is a
 * burst.
 *
 * <p>A rule's window of length {@code W} is {@code [k * W, (k + 1) * W)} UTC ({@link AlertIds#windowStart}: Sigma's
 * {@code bin _time span=W}). An event belongs to the window holding its event time. A window is a burst when it holds
 * the spec's minimum of events and of distinct tokens (and, for an ordered spec, the tokens in that order of event
 * time); an event may count as several tokens (a call that reads many secrets), and the distinct count is of them
 * all. Its alert goes out the moment the window qualifies, named by rule, key and window start: which event arrived
 * first does not change the id. Events of the window that arrive later fold in; an update with the same id
 * goes out when the window closes (stream time past its end plus grace), or sooner by {@link ReportBound}, whenever
 * events joined since the last one. Every update describes the window's events as a set: their count, the earliest
 * {@link Alert#MAX_EVENT_IDS} by (event time, event id), the smallest distinct tokens, first and last event time, the
 * earliest event's principal and address. So the last update per alertId is the same in any order of arrival within
 * the grace. Each event counts once (by {@code eventID}): see {@link #firstInWindow}.
 *
 * <p>The trade-off of fixed windows: a burst that straddles a window boundary counts in each window separately, so
 * {@code minEvents} split 6 + 4 across two windows raises nothing, where a span sliding from the first event would.
 * In exchange every order of arrival, partitioning and instance agrees on the windows, the ids and the content.
 *
 * <p>An event whose window ended more than the grace ({@code burst.grace}, at least {@code reorder.horizon}) before
 * stream time (of its origin) is late: counted and emitted as such, for the dead-letter topic. A window closes when
 * the watermark of every origin passes it, never by one origin's clock.
 */
final class BurstCounter extends WindowedProcessor<BurstState> {

    private final BurstSpec spec;
    private final long window;
    private final long grace;

    BurstCounter(BurstSpec spec, DetectionKit kit) {
        super(spec.name(), spec.window().toMillis() + kit.graceMillis(spec.grace()), BurstStateCodec.SERDE, kit);
        this.spec = spec;
        this.window = spec.window().toMillis();
        this.grace = kit.graceMillis(spec.grace());
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        if (progress(record)) {
            return;
        }
        CloudTrailEvent event = record.value();
        long now = observe(record);
        long start = AlertIds.windowStart(event.eventTime(), window);
        if (closed(start, now)) {
            late(record);
            return;
        }
        String key = spec.key().apply(event);
        BurstState state = current(key);
        OpenBurst before = state.window(start);
        Entry entry = new Entry(event.eventTime(), event.eventId(), spec.token().apply(event));
        if (!firstInWindow(before, entry)) {
            return;
        }
        OpenBurst after = before.plus(entry, spec.moreTokens(event), spec, () -> Anchor.of(event));
        if (before.alerted()) {
            folded(spec.ruleId());
            after = after.waitingSince(wallClock());
        } else if (after.qualifies(spec)) {
            emit(alert(key, after), event.eventTime());
            after.unlisted().forEach(this::remember);
            after = after.reportedAll();
        }
        save(key, state.with(after), now);
    }

    /**
     * True the first time an event is offered to its window (CloudTrail delivers some events twice). The window's own
     * state answers for the events it keeps, its earliest; the seen ids ({@link #firstSighting}) hold the ones it
     * counted and does not keep, and are asked only about an event that could be one of them. So a window of no more
     * events than an alert lists writes no seen id at all.
     */
    private boolean firstInWindow(OpenBurst window, Entry entry) {
        switch (window.counted(entry)) {
            case YES:
                return false;
            case ASK_SEEN_IDS:
                if (!firstSighting(entry.eventId(), entry.time())) {
                    return false;
                }
                break;
            default:
                break;
        }
        Entry leaving = window.leaving(entry, spec);
        if (leaving != null) {
            remember(leaving);
        }
        return true;
    }

    /** Adds a counted event the window no longer keeps to the seen ids. */
    private void remember(Entry entry) {
        firstSighting(entry.eventId(), entry.time());
    }

    /** True when stream time has passed the window's end plus grace: the window's last update has gone out. */
    private boolean closed(long start, long now) {
        return start + window + grace < now;
    }

    @Override
    BurstState empty() {
        return BurstState.EMPTY;
    }

    @Override
    BurstState closeExpired(String key, BurstState state, long now) {
        if (state.isEmpty() || !closed(state.windows().get(0).start(), now)) {
            return state;
        }
        List<OpenBurst> open = new ArrayList<>();
        for (OpenBurst burst : state.windows()) {
            if (closed(burst.start(), now)) {
                close(key, burst);
            } else {
                open.add(burst);
            }
        }
        return state.withWindows(open);
    }

    @Override
    void closeAll(String key, BurstState state) {
        state.windows().forEach(burst -> close(key, burst));
    }

    @Override
    long nextDue(BurstState state) {
        return state.nextDue(window, grace);
    }

    @Override
    BurstState reportDue(String key, BurstState state, long now, Duration bound) {
        BurstState reported = state;
        for (OpenBurst burst : state.windows()) {
            if (burst.unreported() && ReportBound.due(burst.pendingSince(), now, bound)) {
                emit(alert(key, burst), burst.lastEventTime());
                reported = reported.with(burst.reportedAll());
            }
        }
        return reported;
    }

    /** The last update, when events folded into the window's alert and were not reported yet. */
    private void close(String key, OpenBurst burst) {
        if (burst.unreported()) {
            emit(alert(key, burst), burst.lastEventTime());
        }
    }

    /** The window's alert as it stands: the first one, or an update with the same id covering every event so far. */
    private Alert alert(String key, OpenBurst burst) {
        String alertId = AlertIds.of(spec.ruleId(), spec.space() + '|' + key, burst.start());
        var tally = new BurstSpec.Tally(key, burst.count(), burst.tokens(), burst.start(), burst.start() + window);
        return BurstAlerts.first(alertId, spec.wording().finding(tally), burst.anchor(), burst.eventIds(),
                burst.count(), burst.firstEventTime(), burst.lastEventTime());
    }
}
