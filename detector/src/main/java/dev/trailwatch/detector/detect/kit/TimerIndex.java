package dev.trailwatch.detector.detect.kit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>Origin times: {@code ~origin|<origin>}, the latest event time a processor fed by a repartition has seen from each
 * input partition ({@link #originTime}). Kept in the store, not only on the heap, because it decides when windows may
 * close: a task re-initialised after an exactly-once abort, or moved to another thread or instance, must hold its
 * windows open for exactly the input partitions it had heard from at its last commit ({@link #originTimes}). One
 * entry per input partition, never forgotten; between the timers and the seen ids in key order, so neither range
 * scan reaches them.
 *
 * <p>A key of none of these forms, or an origin time that is not a number (a store written by another version, or
 * damaged), is deleted when the index first reads the store, and handed to its owner ({@link #takeUnreadable}), which
 * counts it, logs it and times its key again from its own state ({@link UnreadableTimers}).
 *
 * <p>Each range scan starts where the previous one of its kind ended, not at time 0: the entries before that point were
 * deleted, and RocksDB keeps deleted entries as tombstones until a compaction, so a scan from time 0 would step over
 * every entry deleted since (measured: two thirds of a burst processor's time, and a third of the detector's
 * throughput, went there). The starting points live in memory; after a restart the first scan of each kind starts at
 * 0 once. A timer or an id stored before a starting point moves the point back.
 *
 * <p>Both kinds are mirrored on the heap, sorted as the store sorts them. Most offered ids are new, and asking the store
 * about a new one is a RocksDB miss (through the cache) per event; and a stream-time punctuator asks for due timers and
 * forgettable ids every minute of event time (a replay of history moves event time thousands of times faster than the
 * clock), where a range scan opens a RocksDB iterator even when it finds nothing. The mirrors hold exactly the store's
 * keys while they are complete: read once from the store on first use after construction (a processor builds its
 * index in {@code init}, so a task re-initialised after an exactly-once abort or a rebalance starts from the committed
 * store), then every add, take and forget goes to both. While complete, a miss means new, and due timers and
 * forgettable ids are found without reading the store. At most {@link #MIRROR_TIMERS} timers are mirrored (beyond
 * that the due ones are found by range scans again, until the next construction); the seen ids' mirror holds at most
 * {@link #MIRROR_IDS} ids (about 150 bytes each, so the mirror stays under ~8 MB per processor and task; it would
 * hold the ids of the processor's candidate events within its seen reach, window + grace); beyond that the ids
 * that did not fit are looked up in the store, as before, until they have been forgotten and the mirror is complete
 * again. The store stays the only source of truth: the mirror changes how often it is read, never the answer.
 */
public final class TimerIndex {

    private static final String SEEN = "~seen|";
    private static final String ORIGIN = "~origin|";
    private static final String ZEROS = "0000000000000000000";
    private static final int PADDED = ZEROS.length();
    /** The most seen ids mirrored on the heap (see the class comment). */
    static final int MIRROR_IDS = 50_000;
    /** The most timers mirrored on the heap; beyond that, due timers are found by range scans of the store. */
    static final int MIRROR_TIMERS = 50_000;

    private final KeyValueStore<String, String> store;
    private final int mirrorIds;
    private final int mirrorTimers;
    /** No timer is stored before this time: everything earlier was taken. */
    private long timersFrom;
    /** No seen id is stored before this event time: everything earlier was forgotten. */
    private long seenFrom;
    /** Store keys of timers, all of them; null until loaded, and from the moment there are too many to mirror. */
    private TreeSet<String> timers;
    /** Store keys of seen ids: all of them while its size equals {@link #stored}, else a subset. Null until loaded. */
    private TreeSet<String> seen;
    /** How many seen ids the store holds (known once the mirror has been loaded). */
    private long stored;
    /** Unreadable timer keys found by {@link #load}, not yet taken ({@link #takeUnreadable}). */
    private List<KeyValue<String, String>> unreadable = List.of();

    public TimerIndex(KeyValueStore<String, String> store) {
        this(store, MIRROR_IDS, MIRROR_TIMERS);
    }

    /**
     * @param mirrorIds    the most seen ids mirrored on the heap
     * @param mirrorTimers the most timers mirrored on the heap
     */
    TimerIndex(KeyValueStore<String, String> store, int mirrorIds, int mirrorTimers) {
        this.store = store;
        this.mirrorIds = mirrorIds;
        this.mirrorTimers = mirrorTimers;
    }

    /** Sets a timer; one already set (the mirror knows) is not written again. */
    public void schedule(long time, String key) {
        load();
        timersFrom = Math.min(timersFrom, clamp(time));
        String timer = key(time, key);
        if (timers != null && !timers.add(timer)) {
            return;
        }
        store.put(timer, key);
        if (timers != null && timers.size() > mirrorTimers) {
            timers = null;
        }
    }

    /** Removes one timer, e.g. for a window that closed before its time because a newer one replaced it. */
    public void cancel(long time, String key) {
        load();
        String timer = key(time, key);
        if (timers == null || timers.remove(timer)) {
            store.put(timer, null);
        }
    }

    /**
     * The time of the earliest timer set, or {@link Long#MAX_VALUE} when none is: the first of the mirror while it
     * holds every timer, else of one range scan (keys that are not timers were dropped when the store was read).
     */
    public long earliest() {
        load();
        if (timers != null) {
            return timers.isEmpty() ? Long.MAX_VALUE : timeOf(timers.first());
        }
        try (KeyValueIterator<String, String> it = store.range(pad(new StringBuilder(PADDED), timersFrom).toString(),
                key(Long.MAX_VALUE, "\uffff"))) {
            return it.hasNext() ? timeOf(it.next().key) : Long.MAX_VALUE;
        }
    }

    /**
     * The time of a timer's store key ({@code <19-digit time>|<key>}, the key not empty), or -1 when the text is not
     * one (a store written by another version, or damaged).
     */
    public static long timeOf(String timerKey) {
        if (timerKey.length() <= PADDED + 1 || timerKey.charAt(PADDED) != '|') {
            return -1;
        }
        for (int i = 0; i < PADDED; i++) {
            char c = timerKey.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(timerKey, 0, PADDED, 10);
        } catch (NumberFormatException e) {
            return -1; // 19 digits beyond Long.MAX_VALUE
        }
    }

    /** Removes and returns the keys with a timer earlier than {@code streamTime}, each once, earliest first. */
    public Set<String> takeDueBefore(long streamTime) {
        long before = clamp(streamTime);
        if (before <= timersFrom) {
            return Set.of();
        }
        load();
        Set<String> keys = new LinkedHashSet<>();
        String last = key(before - 1, "\uffff");
        if (timers != null) {
            for (Iterator<String> due = timers.headSet(last, true).iterator(); due.hasNext(); ) {
                String timer = due.next();
                // A null put deletes; delete() would read the old value back to return it.
                store.put(timer, null);
                keys.add(timer.substring(PADDED + 1));
                due.remove();
            }
        } else {
            for (KeyValue<String, String> timer : removeRange(pad(new StringBuilder(PADDED), timersFrom).toString(),
                    last)) {
                keys.add(timer.value);
            }
        }
        timersFrom = before;
        return keys;
    }

    /** True the first time this event is offered; remembers it. */
    public boolean firstSighting(String eventId, long eventTime) {
        load();
        String key = seenKey(eventTime, eventId);
        if (seen.contains(key) || (seen.size() < stored && store.get(key) != null)) {
            return false;
        }
        seenFrom = Math.min(seenFrom, clamp(eventTime));
        store.put(key, "");
        stored++;
        if (seen.size() < mirrorIds) {
            seen.add(key);
        }
        return true;
    }

    /**
     * Records the latest event time seen from an input partition (a write to the store's cache; with caching, one
     * changelog record per origin and commit).
     *
     * @param key the origin's key, from {@link #originKey}
     */
    public void originTime(String key, long eventTime) {
        store.put(key, Long.toString(eventTime));
    }

    /** The store key of an origin's time, made once per origin. */
    public static String originKey(String origin) {
        return ORIGIN + origin;
    }

    /**
     * Every origin's recorded time, by origin, as the store holds them (after a restore: as last committed). An origin
     * whose time cannot be read was dropped when the store was first read ({@link #takeUnreadable}): its next record
     * names it anew.
     */
    public Map<String, Long> originTimes() {
        load();
        Map<String, Long> times = new HashMap<>();
        try (KeyValueIterator<String, String> it = store.range(ORIGIN, ORIGIN + '\uffff')) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                times.put(entry.key.substring(ORIGIN.length()), Long.parseLong(entry.value));
            }
        }
        return times;
    }

    /** Forgets the ids of events older than {@code oldest}: a copy of one of them would be late anyway. */
    public void forgetSeenBefore(long oldest) {
        long before = clamp(oldest);
        if (before <= seenFrom) {
            return;
        }
        load();
        String last = seenKey(before - 1, "\uffff");
        if (seen.size() == stored) {
            for (Iterator<String> old = seen.headSet(last, true).iterator(); old.hasNext(); ) {
                store.put(old.next(), null);
                old.remove();
                stored--;
            }
        } else {
            List<KeyValue<String, String>> removed = removeRange(seenKey(seenFrom, ""), last);
            removed.forEach(entry -> seen.remove(entry.key));
            stored -= removed.size();
        }
        seenFrom = before;
    }

    /**
     * The timer keys the store held that are not {@code <19-digit time>|<key>} ({@link #timeOf} -1: a store written by
     * another version, or damaged), and origin times that are not a number, as key and value (a timer's value names
     * its key), found and deleted when the index first read the store; each is returned once. Left in, such a key
     * would sort among the timers as due at a time nobody set, or not be readable at all when taken; dropped, its
     * owner times the key again from its own state ({@link UnreadableTimers}).
     */
    public List<KeyValue<String, String>> takeUnreadable() {
        load();
        List<KeyValue<String, String>> taken = unreadable;
        unreadable = List.of();
        return taken;
    }

    /**
     * Reads the store once, on first use after construction (a processor builds its index in {@code init}, so a task
     * re-initialised after an exactly-once abort or a rebalance starts from the committed store): the timers, and the
     * seen ids up to {@link #mirrorIds} (the origin times are the processor's: neither). Keys that are none of the
     * three, and origin times that are not a number, are deleted and kept for {@link #takeUnreadable}.
     */
    private void load() {
        if (seen != null) {
            return;
        }
        seen = new TreeSet<>();
        timers = new TreeSet<>();
        stored = 0;
        List<KeyValue<String, String>> found = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                String key = entry.key;
                if (key.startsWith(SEEN)) {
                    stored++;
                    if (seen.size() < mirrorIds) {
                        seen.add(key);
                    }
                } else if (key.startsWith(ORIGIN)) {
                    if (!isTime(entry.value)) {
                        found.add(entry);
                    }
                } else if (timeOf(key) < 0) {
                    found.add(entry);
                } else if (timers != null && timers.add(key) && timers.size() > mirrorTimers) {
                    timers = null;
                }
            }
        }
        // A null put deletes; delete() would read the old value back to return it.
        found.forEach(entry -> store.put(entry.key, null));
        unreadable = found.isEmpty() ? List.of() : found;
    }

    private List<KeyValue<String, String>> removeRange(String from, String to) {
        List<KeyValue<String, String>> removed = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(from, to)) {
            it.forEachRemaining(removed::add);
        }
        // A null put deletes; delete() would read the old value back to return it.
        removed.forEach(entry -> store.put(entry.key, null));
        return removed;
    }

    /** Whether an origin's stored time is one: decimal digits, with a sign, that fit a long. */
    private static boolean isTime(String value) {
        if (value == null) {
            return false;
        }
        try {
            Long.parseLong(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A timer's key: {@code <time>|<key>}. */
    private static String key(long time, String key) {
        return pad(new StringBuilder(PADDED + 1 + key.length()), time).append('|').append(key).toString();
    }

    /** A seen id's key: {@code ~seen|<time>|<eventID>}. */
    private static String seenKey(long time, String eventId) {
        return pad(new StringBuilder(SEEN.length() + PADDED + 1 + eventId.length()).append(SEEN), time).append('|')
                .append(eventId).toString();
    }

    /** Appends the time zero-padded to 19 digits, so that entries sort by time. */
    static StringBuilder pad(StringBuilder to, long time) {
        String digits = Long.toString(clamp(time));
        return to.append(ZEROS, 0, PADDED - digits.length()).append(digits);
    }

    /** Times before the epoch share the first slot (the padded format has no sign). */
    private static long clamp(long time) {
        return Math.max(0, time);
    }
}
