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
 * Counts one key space's events in event-time windows and alerts once per burst.
 *
 * <p>A burst is a span {@code [start, start + window)} holding the spec's minimum of events (and of distinct tokens).
 * Its alert goes out the moment the span qualifies, with a deterministic id (rule + key + start). Events that arrive
 * later inside the same span fold into it; when stream time passes {@code end + grace} one follow-up with the same id
 * and the totals goes out, if anything was folded, and the burst is forgotten. Each event counts once (by
 * {@code eventID}) and belongs to at most one burst. An event older than stream time minus window minus grace can no
 * longer join an open window: it is counted as late and emitted as such, for the dead-letter topic.
 */
final class BurstCounter extends WindowedProcessor<BurstState> {

    private final BurstSpec spec;

    BurstCounter(BurstSpec spec, DetectionKit kit) {
        super(spec.name(), spec.reach(), kit);
        this.spec = spec;
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        long now = observe(record);
        if (event.eventTime() < now - spec.reach()) {
            late(record);
            return;
        }
        if (!firstSighting(event)) {
            return;
        }
        String key = spec.key().apply(event);
        Entry entry = new Entry(event.eventTime(), event.eventId(), spec.token().apply(event));
        BurstState state = load(key, now);
        int covering = state.burstCovering(entry.time());
        if (covering >= 0) {
            folded(spec.ruleId());
            state = state.withBurst(covering, state.bursts().get(covering).joinedBy(entry, wallClock()));
        } else {
            state = added(key, state, entry, event);
        }
        save(key, state, now);
    }

    /** The entry joins the waiting ones; if that makes a burst, its alert goes out now. */
    private BurstState added(String key, BurstState state, Entry entry, CloudTrailEvent event) {
        List<Entry> pending = state.pendingWith(entry);
        if (spec.countsDistinctOnly()) {
            pending = Entry.thinned(pending, entry, spec.window().toMillis());
        }
        var span = spec.order().isEmpty()
                ? SpanFinder.find(pending, entry.time(), spec.window().toMillis(), spec.minEvents(), spec.minDistinct())
                : SpanFinder.findOrdered(pending, entry.time(), spec.window().toMillis(), spec.order());
        if (span.isEmpty()) {
            return state.withPending(pending.size() > spec.maxPending() ? pending.subList(1, pending.size()) : pending);
        }
        List<Entry> members = pending.subList(span.get().from(), span.get().to());
        OpenBurst burst = OpenBurst.of(members, spec.window().toMillis());
        String alertId = AlertIds.of(spec.ruleId(), spec.space() + '|' + key, burst.start());
        Alert alert = BurstAlerts.first(alertId, spec.wording().finding(tally(key, burst)), Anchor.of(event),
                burst.eventIds(), burst.count(), burst.start(), burst.lastEventTime());
        emit(alert, event.eventTime());
        List<Entry> rest = new ArrayList<>(pending.subList(0, span.get().from()));
        rest.addAll(pending.subList(span.get().to(), pending.size()));
        return state.opened(burst.withAlert(alert), rest);
    }

    @Override
    BurstState empty() {
        return BurstState.EMPTY;
    }

    @Override
    BurstState closeExpired(String key, BurstState state, long now) {
        long grace = spec.grace().toMillis();
        List<OpenBurst> open = new ArrayList<>();
        for (OpenBurst burst : state.bursts()) {
            if (burst.end() + grace < now) {
                close(key, burst);
            } else {
                open.add(burst);
            }
        }
        return state.withBursts(open).prunedBefore(now - spec.reach());
    }

    @Override
    void closeAll(String key, BurstState state) {
        state.bursts().forEach(burst -> close(key, burst));
    }

    @Override
    long nextDue(BurstState state) {
        return state.nextDue(spec.grace().toMillis(), spec.reach());
    }

    @Override
    BurstState reportDue(String key, BurstState state, long now, Duration bound) {
        List<OpenBurst> bursts = new ArrayList<>(state.bursts());
        boolean changed = false;
        for (int i = 0; i < bursts.size(); i++) {
            OpenBurst burst = bursts.get(i);
            if (ReportBound.due(burst.pendingSince(), now, bound)) {
                report(key, burst);
                bursts.set(i, burst.reportedAll());
                changed = true;
            }
        }
        return changed ? state.withBursts(bursts) : state;
    }

    /** The follow-up, when events folded into the burst and were not reported yet. */
    private void close(String key, OpenBurst burst) {
        if (burst.unreported()) {
            report(key, burst);
        }
    }

    /** An update of the burst's alert (same id) covering every event folded into it so far. */
    private void report(String key, OpenBurst burst) {
        Alert update = BurstAlerts.followUp(burst.alert(), spec.wording().finding(tally(key, burst)),
                burst.eventIds(), burst.count(), burst.lastEventTime());
        emit(update, burst.lastEventTime());
    }

    private static BurstSpec.Tally tally(String key, OpenBurst burst) {
        return new BurstSpec.Tally(key, burst.count(), burst.tokens(), burst.start(), burst.end());
    }
}
