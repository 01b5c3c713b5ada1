package dev.trailwatch.detector.suppress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * What a detector that holds its matches back (foreign-account, suppressed through {@link Suppression}'s
 * {@code apply} with a {@code HeldBack}) still holds, per stream task: the earliest event time among the matches it
 * has read and not yet decided. Its suppression, in the same task, closes no window that such a match may still fall
 * in, whatever the shared watermark says meanwhile: other tasks, the progress monitor and the progress topic move
 * completeness between the detector's last release and the suppressor's punctuation, and a window closed and
 * forgotten there came back with the same alert id and only the late-released match in it.
 *
 * <p>Heap state, one per instance and detector, written by the detector's processor as its held matches change (on
 * {@code init} from its restored store, so after a restart or an exactly-once revive it reflects what the stores
 * hold). A task the detector has not said anything for yet closes nothing: it waits, it does not guess.
 */
public final class HeldBack {

    /** Nothing is held. */
    public static final long NONE = Long.MAX_VALUE;
    /** The detector has not said yet what it holds in this task. */
    static final long UNKNOWN = Long.MIN_VALUE;

    private final Map<TaskId, Long> earliest = new ConcurrentHashMap<>();

    /** The earliest event time the detector holds in {@code task}, {@link #NONE} when it holds nothing. */
    public void holding(TaskId task, long earliestHeld) {
        earliest.put(task, earliestHeld);
    }

    /** The detector's processor for {@code task} is closed here: until it says again, nothing is known. */
    public void forget(TaskId task) {
        earliest.remove(task);
    }

    /** The earliest event time held in {@code task}: {@link #NONE} for nothing, {@link #UNKNOWN} not said yet. */
    long earliest(TaskId task) {
        return earliest.getOrDefault(task, UNKNOWN);
    }
}
