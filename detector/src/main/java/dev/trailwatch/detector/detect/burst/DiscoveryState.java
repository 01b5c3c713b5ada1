package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the discovery-burst processor keeps per principal: its live buckets of distinct calls and the bucket pairs
 * whose alert has gone out.
 *
 * @param buckets time-sorted, only buckets whose pairs are still open
 * @param fired   alerted pairs, by the start of their first bucket
 * @param dueAt   see {@link WindowState#dueAt()}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record DiscoveryState(List<CallBucket> buckets, List<Fired> fired, long dueAt) implements WindowState<DiscoveryState> {

    static final DiscoveryState EMPTY = new DiscoveryState(List.of(), List.of(), Long.MIN_VALUE);

    /**
     * A pair of buckets whose alert went out.
     *
     * @param reported     distinct calls the alert (or its last update) listed
     * @param pendingSince wall-clock millis since which calls wait unreported, 0 when none do ({@code ReportBound})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Fired(long start, Alert alert, int reported, long pendingSince) {

        Fired reportedAs(int calls) {
            return new Fired(start, alert, calls, 0);
        }

        Fired pendingFrom(long wallClock) {
            return pendingSince > 0 ? this : new Fired(start, alert, reported, wallClock);
        }
    }

    DiscoveryState {
        buckets = List.copyOf(buckets);
        fired = List.copyOf(fired);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return buckets.isEmpty() && fired.isEmpty();
    }

    @Override
    public DiscoveryState withDueAt(long time) {
        return new DiscoveryState(buckets, fired, time);
    }

    Optional<CallBucket> bucket(long start) {
        return buckets.stream().filter(b -> b.start() == start).findFirst();
    }

    DiscoveryState with(CallBucket bucket) {
        List<CallBucket> all = new ArrayList<>(buckets.stream().filter(b -> b.start() != bucket.start()).toList());
        all.add(bucket);
        all.sort(Comparator.comparingLong(CallBucket::start));
        return new DiscoveryState(all, fired, dueAt);
    }

    Optional<Fired> fired(long start) {
        return fired.stream().filter(f -> f.start() == start).findFirst();
    }

    DiscoveryState withFired(Fired pair) {
        List<Fired> all = new ArrayList<>(fired.stream().filter(f -> f.start() != pair.start()).toList());
        all.add(pair);
        return new DiscoveryState(buckets, all, dueAt);
    }

    /** Without the bucket starting at {@code start} and the pair it opens. */
    DiscoveryState without(long start) {
        return new DiscoveryState(buckets.stream().filter(b -> b.start() != start).toList(),
                fired.stream().filter(f -> f.start() != start).toList(), dueAt);
    }
}
