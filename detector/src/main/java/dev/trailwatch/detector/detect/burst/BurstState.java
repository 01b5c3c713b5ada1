package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one key (a source IP, a user, a principal) holds between events: counted events not in a burst yet, and the
 * bursts whose windows are still open (usually none or one; two when events arrive out of order).
 *
 * @param pending time-sorted, all within window + grace of stream time; never a qualifying span (see SpanFinder)
 * @param dueAt   see {@link WindowState#dueAt()}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record BurstState(List<Entry> pending, List<OpenBurst> bursts, long dueAt) implements WindowState<BurstState> {

    static final BurstState EMPTY = new BurstState(List.of(), List.of(), Long.MIN_VALUE);

    BurstState {
        pending = List.copyOf(pending);
        bursts = List.copyOf(bursts);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return pending.isEmpty() && bursts.isEmpty();
    }

    /** The open burst whose window holds this event time, or -1. */
    int burstCovering(long time) {
        for (int i = 0; i < bursts.size(); i++) {
            if (bursts.get(i).covers(time)) {
                return i;
            }
        }
        return -1;
    }

    BurstState withBurst(int index, OpenBurst burst) {
        List<OpenBurst> all = new ArrayList<>(bursts);
        all.set(index, burst);
        return new BurstState(pending, all, dueAt);
    }

    /** Pending with the entry inserted in order. */
    List<Entry> pendingWith(Entry entry) {
        return Entry.insert(pending, entry);
    }

    /** A new burst, and the pending entries that did not join it. */
    BurstState opened(OpenBurst burst, List<Entry> stillPending) {
        List<OpenBurst> all = new ArrayList<>(bursts);
        all.add(burst);
        all.sort(Comparator.comparingLong(OpenBurst::start));
        return new BurstState(stillPending, all, dueAt);
    }

    BurstState withPending(List<Entry> entries) {
        return new BurstState(entries, bursts, dueAt);
    }

    BurstState withBursts(List<OpenBurst> open) {
        return new BurstState(pending, open, dueAt);
    }

    @Override
    public BurstState withDueAt(long time) {
        return new BurstState(pending, bursts, time);
    }

    /** Pending entries from {@code oldest} on: older ones can no longer share an open window with a new event. */
    BurstState prunedBefore(long oldest) {
        if (pending.isEmpty() || pending.get(0).time() >= oldest) {
            return this;
        }
        return withPending(pending.stream().filter(e -> e.time() >= oldest).toList());
    }

    /**
     * When something must happen to this key without new events: the earliest open burst's close (its follow-up),
     * else the moment its newest pending entry expires and the key can be forgotten.
     */
    long nextDue(long grace, long retention) {
        if (!bursts.isEmpty()) {
            return bursts.stream().mapToLong(b -> b.end() + grace).min().getAsLong();
        }
        return pending.get(pending.size() - 1).time() + retention;
    }
}
