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
    /** {@code account|principal}: the state store's key and part of the alert id; built once per principal. */
    final String entity;
    /** Another account's principal of the same name (the mirror is keyed by the name alone). */
    DiscoveryPrincipal other;
    /** Buckets before this start have been dropped ({@link #forgetBefore}). */
    long from = Long.MIN_VALUE;
    private long[] starts = new long[4];
    private Bucket[] buckets = new Bucket[4];
    private int size;

    DiscoveryPrincipal(String account, String principal) {
        this.account = account;
        this.principal = principal;
        this.entity = DiscoveryCounter.entity(account, principal);
    }

    boolean is(String otherAccount) {
        return Objects.equals(account, otherAccount);
    }

    /** The bucket at this start, or null. */
    Bucket at(long start) {
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
        return size == 0;
    }

    /** Renumbers every call held, for a new dictionary. */
    void renumber(DiscoveryCalls old, DiscoveryCalls fresh) {
        for (int i = 0; i < size; i++) {
            Bucket b = buckets[i];
            for (int c = 0; c < b.size; c++) {
                b.ids[c] = fresh.id(old.source(b.ids[c]), old.name(b.ids[c]));
            }
        }
    }

    /** One bucket's distinct calls; unordered (read in occurrence order through {@link #bucket}). */
    static final class Bucket {
        int size;
        int[] ids = new int[4];
        long[] times = new long[4];
        String[] eventIds = new String[4];
        boolean[] denied = new boolean[4];

        int indexOf(int id) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id) {
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
                boolean earlier = time < times[i] || time == times[i] && eventId.compareTo(eventIds[i]) < 0;
                if (!earlier && (denied[i] || !probe)) {
                    return -1;
                }
                if (earlier) {
                    times[i] = time;
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
            times[i] = time;
            eventIds[i] = eventId;
            denied[i] = isDenied;
        }

        /** A call not held yet; past the cap it takes the place of the latest call held, if it came before it. */
        private int join(int id, long time, String eventId, boolean isDenied) {
            int at;
            if (size >= CallBucket.MAX_CALLS) {
                at = latest();
                if (time > times[at] || time == times[at] && eventId.compareTo(eventIds[at]) >= 0) {
                    return -1;
                }
            } else {
                if (size == ids.length) {
                    int n = 2 * size;
                    ids = Arrays.copyOf(ids, n);
                    times = Arrays.copyOf(times, n);
                    eventIds = Arrays.copyOf(eventIds, n);
                    denied = Arrays.copyOf(denied, n);
                }
                at = size++;
            }
            ids[at] = id;
            times[at] = time;
            eventIds[at] = eventId;
            denied[at] = isDenied;
            return at;
        }

        /** The index of the call that occurred last. */
        private int latest() {
            int last = 0;
            for (int i = 1; i < size; i++) {
                if (times[i] > times[last] || times[i] == times[last] && eventIds[i].compareTo(eventIds[last]) > 0) {
                    last = i;
                }
            }
            return last;
        }

        /** The call at this index as {@link CallBucket} holds it. */
        CallBucket.Call call(int i, DiscoveryCalls calls) {
            return new CallBucket.Call(calls.source(ids[i]), calls.name(ids[i]), denied[i], times[i], eventIds[i]);
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
