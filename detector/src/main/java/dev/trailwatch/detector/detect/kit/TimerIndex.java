package dev.trailwatch.detector.detect.kit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A processor's time-ordered store: when each key needs attention (a burst closes, a key expires), and which event
 * ids were counted recently. Both kinds of entry sort by time, so the due ones and the forgettable ones are each one
 * range scan, never a walk over every key.
 *
 * <p>Timers: {@code <time>|<key>} (digits first). Seen ids: {@code ~seen|<event time>|<eventID>}; CloudTrail delivers
 * some events twice, and a copy has the same id and event time, so one exact lookup finds it. ({@code ~} sorts after
 * every digit, so the two ranges never overlap.) A timer may outlive its purpose (its key was forgotten or
 * rescheduled earlier); firing it then costs one lookup that finds nothing to do.
 *
 * <p>Each range scan starts where the previous one of its kind ended, not at time 0: the entries before that point were
 * deleted, and RocksDB keeps deleted entries as tombstones until a compaction, so a scan from time 0 would step over
 * every entry deleted since (measured: two thirds of a burst processor's time, and a third of the detector's
 * throughput, went there). The starting points live in memory; after a restart the first scan of each kind starts at
 * 0 once. A timer or an id stored before a starting point moves the point back.
 */
public final class TimerIndex {

    private static final String SEEN = "~seen|";

    private final KeyValueStore<String, String> store;
    /** No timer is stored before this time: everything earlier was taken. */
    private long timersFrom;
    /** No seen id is stored before this event time: everything earlier was forgotten. */
    private long seenFrom;

    public TimerIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    public void schedule(long time, String key) {
        timersFrom = Math.min(timersFrom, clamp(time));
        store.put(pad(time) + '|' + key, key);
    }

    /** Removes one timer, e.g. for a window that closed before its time because a newer one replaced it. */
    public void cancel(long time, String key) {
        store.delete(pad(time) + '|' + key);
    }

    /** Removes and returns the keys with a timer earlier than {@code streamTime}, each once, earliest first. */
    public Set<String> takeDueBefore(long streamTime) {
        Set<String> keys = new LinkedHashSet<>();
        long before = clamp(streamTime);
        if (before <= timersFrom) {
            return keys;
        }
        for (KeyValue<String, String> timer : removeRange(pad(timersFrom), pad(before - 1) + "|\uffff")) {
            keys.add(timer.value);
        }
        timersFrom = before;
        return keys;
    }

    /** True the first time this event is offered; remembers it. */
    public boolean firstSighting(String eventId, long eventTime) {
        String key = SEEN + pad(eventTime) + '|' + eventId;
        if (store.get(key) != null) {
            return false;
        }
        seenFrom = Math.min(seenFrom, clamp(eventTime));
        store.put(key, "");
        return true;
    }

    /** Forgets the ids of events older than {@code oldest}: a copy of one of them would be late anyway. */
    public void forgetSeenBefore(long oldest) {
        long before = clamp(oldest);
        if (before <= seenFrom) {
            return;
        }
        removeRange(SEEN + pad(seenFrom), SEEN + pad(before - 1) + "|\uffff");
        seenFrom = before;
    }

    private List<KeyValue<String, String>> removeRange(String from, String to) {
        List<KeyValue<String, String>> removed = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(from, to)) {
            it.forEachRemaining(removed::add);
        }
        removed.forEach(entry -> store.delete(entry.key));
        return removed;
    }

    /** Zero-padded so that entries sort by time. */
    private static String pad(long time) {
        return String.format("%019d", clamp(time));
    }

    /** Times before the epoch share the first slot (the padded format has no sign). */
    private static long clamp(long time) {
        return Math.max(0, time);
    }
}
