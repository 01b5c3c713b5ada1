package dev.trailwatch.detector.detect.kit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far (event time) the input is complete, per input partition and over all of them: the reorder-horizon
 * watermark. Decisions that a record arriving later could change wait for it ({@code reorder.horizon}).
 *
 * <p>The contract it rests on: a record arrives no later than the horizon after records with a later
 * {@code eventTime}. So once a partition's stream time (the latest event time processed on it) is {@code S}, every
 * record it will still bring is at or after {@code S - horizon}: the partition is complete up to there, that instant
 * itself excluded. The contract is inclusive: a record exactly one horizon behind may still come (CloudTrail's times
 * are whole seconds, so it does), so a decision that such a record could change waits until completeness has passed
 * its instant ({@code complete > t}), not merely reached it. A partition
 * with nothing left to read (its committed offset at its end, asked of the brokers) is complete up to the latest event
 * time processed anywhere before that look, minus the horizon: whatever it brings later arrived after those records.
 * That is what lets an empty or quiet partition not hold everyone back. The input is complete up to the least of its
 * partitions; a partition nobody has reported yet holds it at "nothing".
 *
 * <p>One per instance, shared by its stream tasks: each reports the partitions it reads (cheap field writes, never per
 * event), {@link ProgressUpdater} adds what every instance published to the progress topic. All
 * values only grow: completeness, once known, stays true. One exception, {@link #rewind}: what a task observed of its
 * partition since its last commit is taken back when that work is rolled back.
 */
public final class InputWatermark {

    /** Nothing is known complete. */
    public static final long NOTHING = Long.MIN_VALUE;

    private final long horizon;
    private final Map<Integer, Long> complete = new ConcurrentHashMap<>();
    private final Map<Integer, Long> streamTimes = new ConcurrentHashMap<>();
    private volatile int partitions;
    private volatile long latest = NOTHING;

    public InputWatermark(Duration horizon, int partitions) {
        this.horizon = horizon.toMillis();
        this.partitions = Math.max(1, partitions);
    }

    /** For a topology tested alone (TopologyTestDriver): one input partition. */
    public static InputWatermark singlePartition(Duration horizon) {
        return new InputWatermark(horizon, 1);
    }

    public long horizon() {
        return horizon;
    }

    /** How many input partitions there are, as far as this instance knows. */
    public int partitionCount() {
        return partitions;
    }

    /** The input topic's partition count, when it is learned after the topology was built. */
    public void partitions(int count) {
        partitions = Math.max(partitions, count);
    }

    /** A partition's stream time as its task sees it: complete up to one horizon before. */
    public void observe(int partition, long streamTime) {
        if (streamTime == NOTHING || streamTime < 0) {
            return;
        }
        streamTimes.merge(partition, streamTime, Math::max);
        complete.merge(partition, streamTime - horizon, Math::max);
        partitions(partition + 1);
        if (streamTime > latest) {
            latest = streamTime;
        }
    }

    /**
     * The brokers say a partition had nothing left to read at a moment when {@code latestBefore} (a value of
     * {@link #latest()} taken before asking) had already been processed: it is complete up to one horizon before it.
     */
    public void caughtUp(int partition, long latestBefore) {
        if (latestBefore != NOTHING) {
            complete.merge(partition, latestBefore - horizon, Math::max);
        }
        partitions(partition + 1);
    }

    /** What another instance (or this one, before a restart) published for a partition. */
    public void reported(int partition, long streamTime, long completeUpTo) {
        if (streamTime != NOTHING) {
            streamTimes.merge(partition, streamTime, Math::max);
            if (streamTime > latest) {
                latest = streamTime;
            }
        }
        if (completeUpTo != NOTHING) {
            complete.merge(partition, completeUpTo, Math::max);
        }
        partitions(partition + 1);
    }

    /**
     * Sets a partition back to its committed progress ({@code NOTHING} for none): its task was revived after an
     * exactly-once abort, or left this instance, and the records processed on it since its last commit will be read
     * again. What those records taught (a stream time, completeness one horizon before it) no longer holds: kept,
     * it would let windows close and held decisions go out before the replayed records come back.
     */
    public void rewind(int partition, long streamTime, long completeUpTo) {
        set(streamTimes, partition, streamTime);
        set(complete, partition, completeUpTo);
        latest = streamTimes.values().stream().mapToLong(Long::longValue).max().orElse(NOTHING);
    }

    private static void set(Map<Integer, Long> values, int partition, long value) {
        if (value == NOTHING) {
            values.remove(partition);
        } else {
            values.put(partition, value);
        }
    }

    /** The latest event time processed on any partition, as far as this instance knows. */
    public long latest() {
        return latest;
    }

    /** The latest event time processed on one partition, or {@link #NOTHING}. */
    public long streamTime(int partition) {
        return streamTimes.getOrDefault(partition, NOTHING);
    }

    /**
     * Every record of the partition with an event time before this has been processed; one exactly at it may still
     * come (it is one horizon behind the stream time: within the contract).
     */
    public long completeUpTo(int partition) {
        return complete.getOrDefault(partition, NOTHING);
    }

    /** Every record of every input partition with an event time before this has been processed (see above). */
    public long completeUpTo() {
        long least = Long.MAX_VALUE;
        for (int p = 0; p < partitions; p++) {
            least = Math.min(least, completeUpTo(p));
        }
        return least;
    }

    /**
     * How far (event time, that instant included) a decision that any record up to one horizon later could change may
     * be taken over the whole input: a foreign-account suspect, the suppression windows of such held matches. The
     * contract is inclusive, so an event at {@code t} waits until the input is complete past {@code t + horizon}:
     * up to {@code completeUpTo() - horizon - 1}. With no horizon, arrival order is trusted: up to
     * {@link #completeUpTo()} itself. {@link #NOTHING} while the input is complete up to nothing.
     */
    public long releasedUpTo() {
        long complete = completeUpTo();
        if (complete == NOTHING || horizon == 0) {
            return complete;
        }
        return complete - horizon - 1;
    }
}
