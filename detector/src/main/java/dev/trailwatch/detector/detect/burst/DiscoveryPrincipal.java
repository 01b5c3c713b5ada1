package dev.trailwatch.detector.detect.burst;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One principal's open buckets of distinct calls, as discovery-burst's task holds them on the heap: for each bucket
 * start, its calls as numbers of the task's {@link DiscoveryCalls} with their earliest occurrence (event time, event
 * id) and whether one was refused to a program, in small parallel arrays. A repeat of a known call is a scan of a few
 * ints and a comparison of two longs; nothing is allocated.
 *
 * <p>What a bucket holds is exactly what {@link CallBucket} would hold for the same events (it is one, read with
 * {@link #bucket}): the same rules for an earlier occurrence, a first denial, and the {@link CallBucket#MAX_CALLS} cap.
 */
final class DiscoveryPrincipal {

    final String account;
    final String principal;
    /** {@code account|principal}: the state store's key and part of the alert id; built when a pair is. */
    private String entity;
    /** Another account's principal of the same name (the mirror is keyed by the name alone). */
    DiscoveryPrincipal other;
    /** The journal entry being written that lists this principal, and its place there ({@link CallJournal.Writer}). */
    Object entryMark;
    int entryIndex;
    /** Account and name as a journal entry's table writes them, encoded at the first entry: most are in many. */
    private byte[] encoded;
    /** Buckets before this start have been dropped ({@link #forgetBefore}). */
    long from = Long.MIN_VALUE;
    private long[] starts = new long[2];
    private Bucket[] buckets = new Bucket[2];
    private int size;
    /** The bucket with the latest start (most calls go there), or null: found without reading the arrays above. */
    private Bucket newest;
    private long newestStart = Long.MIN_VALUE;

    DiscoveryPrincipal(String account, String principal) {
        this.account = account;
        this.principal = principal;
    }

    /** {@code account|principal} ({@link DiscoveryCounter#entity}), built on first use: few principals use it. */
    String entity() {
        if (entity == null) {
            entity = DiscoveryCounter.entity(account, principal);
        }
        return entity;
    }

    /** Account then principal: this principal's row in a journal entry ({@link CallJournal#tableRow}). */
    byte[] encoded() {
        if (encoded == null) {
            encoded = CallJournal.tableRow(account, principal);
        }
        return encoded;
    }

    boolean is(String otherAccount) {
        return Objects.equals(account, otherAccount);
    }

    /** The bucket at this start, or null. */
    Bucket at(long start) {
        if (start == newestStart) {
            return newest;
        }
        for (int i = 0; i < size; i++) {
            if (starts[i] == start) {
                return buckets[i];
            }
        }
        return null;
    }

    /** A new, empty bucket at this start (there is none yet). */
    Bucket open(long start) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, 2 * size);
            buckets = Arrays.copyOf(buckets, 2 * size);
        }
        Bucket bucket = new Bucket();
        starts[size] = start;
        buckets[size] = bucket;
        size++;
        if (newest == null || start > newestStart) {
            newest = bucket;
            newestStart = start;
        }
        return bucket;
    }

    /**
     * Drops buckets no open pair holds any more (their events are late); should a late close ask for one, it is
     * replayed from the store. True when no bucket is left.
     */
    boolean forgetBefore(long oldest) {
        if (oldest <= from) {
            return size == 0;
        }
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (starts[i] >= oldest) {
                starts[kept] = starts[i];
                buckets[kept] = buckets[i];
                kept++;
            }
        }
        Arrays.fill(buckets, kept, size, null);
        size = kept;
        from = oldest;
        if (newestStart < oldest) {
            // the latest start went, so did every other
            newest = null;
            newestStart = Long.MIN_VALUE;
        }
        return size == 0;
    }

    /** Renumbers every call held, for a new dictionary. */
    void renumber(DiscoveryCalls old, DiscoveryCalls fresh) {
        for (int i = 0; i < size; i++) {
            Bucket b = buckets[i];
            for (int c = 0; c < b.size; c++) {
                b.slots[2 * c] = fresh.id(old.source(b.id(c)), old.name(b.id(c)));
            }
        }
    }

    /** One bucket's distinct calls; unordered (read in occurrence order through {@link #bucket}). */
    static final class Bucket {
        int size;
        /**
         * Call i's number at {@code 2i} and its earliest time at {@code 2i + 1}: a repeat reads one array. Most
         * principals make one to three distinct calls a bucket.
         */
        long[] slots = new long[4];
        String[] eventIds = new String[2];
        boolean[] denied = new boolean[2];

        int id(int i) {
            return (int) slots[2 * i];
        }

        long time(int i) {
            return slots[2 * i + 1];
        }

        int indexOf(int id) {
            for (int i = 0; i < size; i++) {
                if (slots[2 * i] == id) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Takes an occurrence of a call, as {@link CallBucket#with} does: the index of the call as it now stands, or
         * -1 when this changes nothing (a later repeat, no new denial; or a call past the cap that came later than
         * every call kept).
         */
        int with(int id, long time, String eventId, boolean probe) {
            int i = indexOf(id);
            if (i >= 0) {
                long known = slots[2 * i + 1];
                boolean earlier = time < known || time == known && eventId.compareTo(eventIds[i]) < 0;
                if (!earlier && (!probe || denied[i])) {
                    return -1;
                }
                if (earlier) {
                    slots[2 * i + 1] = time;
                    eventIds[i] = eventId;
                }
                denied[i] |= probe;
                return i;
            }
            return join(id, time, eventId, probe);
        }

        /**
         * Takes a change {@link #with} made, as the journal replays it ({@link CallBucket#withCall}): the call's
         * occurrence and denial replace the ones held, or it joins the calls.
         */
        void set(int id, long time, String eventId, boolean isDenied) {
            int i = indexOf(id);
            if (i < 0) {
                join(id, time, eventId, isDenied);
                return;
            }
            slots[2 * i + 1] = time;
            eventIds[i] = eventId;
            denied[i] = isDenied;
        }

        /** A call not held yet; past the cap it takes the place of the latest call held, if it came before it. */
        private int join(int id, long time, String eventId, boolean isDenied) {
            int at;
            if (size >= CallBucket.MAX_CALLS) {
                at = latest();
                if (time > time(at) || time == time(at) && eventId.compareTo(eventIds[at]) >= 0) {
                    return -1;
                }
            } else {
                if (size == eventIds.length) {
                    int n = 2 * size;
                    slots = Arrays.copyOf(slots, 2 * n);
                    eventIds = Arrays.copyOf(eventIds, n);
                    denied = Arrays.copyOf(denied, n);
                }
                at = size++;
            }
            slots[2 * at] = id;
            slots[2 * at + 1] = time;
            eventIds[at] = eventId;
            denied[at] = isDenied;
            return at;
        }

        /** The index of the call that occurred last. */
        private int latest() {
            int last = 0;
            for (int i = 1; i < size; i++) {
                if (time(i) > time(last) || time(i) == time(last) && eventIds[i].compareTo(eventIds[last]) > 0) {
                    last = i;
                }
            }
            return last;
        }

        /** The call at this index as {@link CallBucket} holds it. */
        CallBucket.Call call(int i, DiscoveryCalls calls) {
            return new CallBucket.Call(calls.source(id(i)), calls.name(id(i)), denied[i], time(i), eventIds[i]);
        }

        /** Replaces what this holds with a bucket's calls (a bucket stored whole, before the journal). */
        void setAll(CallBucket bucket, DiscoveryCalls calls) {
            size = 0;
            for (CallBucket.Call c : bucket.calls()) {
                join(calls.id(c.source(), c.name()), c.time(), c.eventId(), c.denied());
            }
        }
    }

    /** The bucket as a {@link CallBucket} (empty for null): what pairs, alerts and the fired state are made of. */
    static CallBucket bucket(Bucket b, DiscoveryCalls calls) {
        if (b == null || b.size == 0) {
            return CallBucket.EMPTY;
        }
        List<CallBucket.Call> all = new ArrayList<>(b.size);
        for (int i = 0; i < b.size; i++) {
            all.add(b.call(i, calls));
        }
        all.sort(CallBucket.Call.OCCURRENCE);
        return new CallBucket(all);
    }
}
