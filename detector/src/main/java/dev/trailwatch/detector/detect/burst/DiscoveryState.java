package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;

/**
 * What the discovery-burst processor keeps per principal in its key-value store: only the bucket pairs whose alert has
 * gone out, each with its calls (the calls of pairs that have not alerted are in a window store, see
 * {@link DiscoveryCounter}). Most principals never have one, so most principals have no entry here and no timer.
 *
 * @param fired alerted pairs, by the start of their first bucket
 * @param dueAt see {@link WindowState#dueAt()}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record DiscoveryState(List<Fired> fired, long dueAt) implements WindowState<DiscoveryState> {

    static final DiscoveryState EMPTY = new DiscoveryState(List.of(), Long.MIN_VALUE);
    /** Smile through Jackson: one state per principal that alerted, written at most once per commit. */
    static final Serde<DiscoveryState> SERDE = JacksonSerde.smile(DiscoveryState.class);

    /**
     * A pair of buckets whose alert went out, with its calls from then on. Its updates and its last word are built
     * from these, never from the window store: the pair closes when every input partition is past it (the
     * watermark), which can be long after this task's own stream time has aged its buckets out of the window store.
     * The alert itself is not kept, only the anchor (the context of the event that raised it).
     *
     * @param anchor       where, who, from where: the fields the first alert took from its event
     * @param reported     {@link CallPair#digest()} of what the alert (or its last update) said
     * @param pendingSince wall-clock millis since which calls wait unreported, 0 when none do ({@code ReportBound})
     * @param first        the pair's first bucket as it stands, null in state written before the pairs kept their
     *                     calls (then read from the window store, once: see {@link #hasCalls()})
     * @param second       the pair's second bucket, likewise
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Fired(long start, Anchor anchor, long reported, long pendingSince, CallBucket first, CallBucket second) {

        /** False for a pair stored before fired pairs kept their calls: its buckets are only in the window store. */
        @JsonIgnore
        boolean hasCalls() {
            return first != null && second != null;
        }

        Fired withCalls(CallBucket a, CallBucket b) {
            return new Fired(start, anchor, reported, pendingSince, a, b);
        }

        Fired reportedAs(long digest) {
            return new Fired(start, anchor, digest, 0, first, second);
        }

        Fired pendingFrom(long wallClock) {
            return pendingSince > 0 ? this : new Fired(start, anchor, reported, wallClock, first, second);
        }
    }

    DiscoveryState {
        fired = List.copyOf(fired == null ? List.of() : fired);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return fired.isEmpty();
    }

    @Override
    public DiscoveryState withDueAt(long time) {
        return new DiscoveryState(fired, time);
    }

    Optional<Fired> fired(long start) {
        return fired.stream().filter(f -> f.start() == start).findFirst();
    }

    DiscoveryState withFired(Fired pair) {
        List<Fired> all = new ArrayList<>(fired.stream().filter(f -> f.start() != pair.start()).toList());
        all.add(pair);
        return new DiscoveryState(all, dueAt);
    }

    DiscoveryState without(long start) {
        return new DiscoveryState(fired.stream().filter(f -> f.start() != start).toList(), dueAt);
    }
}
