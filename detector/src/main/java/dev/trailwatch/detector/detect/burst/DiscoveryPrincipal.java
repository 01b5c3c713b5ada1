package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One principal's open buckets of distinct calls, as discovery-burst's task holds them on the heap: for each bucket
 * start, its calls as numbers of the task's {@link DiscoveryCalls} with their earliest occurrence (event time, event
 * id) and whether one was refused to a program: the first call in the bucket's own fields, the others in small
 * parallel arrays. A repeat of a known call is a scan of a few ints and a comparison of two longs; nothing is
 * allocated. A new bucket with one call is one object.
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

    /** {@link #account} then {@link #principal} as {@link BinaryCodec.Out#writeString} writes them. */
    byte[] encoded() {
        if (encoded == null) {
            encoded = new BinaryCodec.Out(8 + (account == null ? 0 : account.length()) + principal.length())
                    .writeString(account).writeString(principal).toByteArray();
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
                b.renumber(c, fresh.id(old.source(b.id(c)), old.name(b.id(c))));
            }
        }
    }

    /**
     * One bucket's distinct calls; unordered (read in occurrence order through {@link #bucket}). Most principals make
     * one or two distinct calls a bucket, and most buckets are opened by one call and read again by the next few: the
     * first call is held in the bucket's own fields (a new bucket is one object; a repeat of it reads no array), the
     * others in small parallel arrays made when a second call comes.
     */
    static final class Bucket {
        int size;
        private int firstId;
        private long firstTime;
        private String firstEventId;
        private boolean firstDenied;
        /** Call i (i >= 1)'s number at {@code 2(i-1)} and its earliest time at {@code 2(i-1) + 1}: one array read. */
        private long[] slots;
        private String[] eventIds;
        private boolean[] denied;

        int id(int i) {
            return i == 0 ? firstId : (int) slots[2 * i - 2];
        }

        long time(int i) {
            return i == 0 ? firstTime : slots[2 * i - 1];
        }

        String eventId(int i) {
            return i == 0 ? firstEventId : eventIds[i - 1];
        }

        boolean denied(int i) {
            return i == 0 ? firstDenied : denied[i - 1];
        }

        /** Gives call i another number (a new dictionary's). */
        void renumber(int i, int id) {
            if (i == 0) {
                firstId = id;
            } else {
                slots[2 * i - 2] = id;
            }
        }

        private void occurred(int i, long time, String eventId) {
            if (i == 0) {
                firstTime = time;
                firstEventId = eventId;
            } else {
                slots[2 * i - 1] = time;
                eventIds[i - 1] = eventId;
            }
        }

        private void deny(int i, boolean isDenied) {
            if (i == 0) {
                firstDenied = isDenied;
            } else {
                denied[i - 1] = isDenied;
            }
        }

        int indexOf(int id) {
            if (size == 0) {
                return -1;
            }
            if (firstId == id) {
                return 0;
            }
            for (int i = 1; i < size; i++) {
                if (slots[2 * i - 2] == id) {
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
                long known = time(i);
                boolean wasDenied = denied(i);
                boolean earlier = time < known || time == known && eventId.compareTo(eventId(i)) < 0;
                if (!earlier && (!probe || wasDenied)) {
                    return -1;
                }
                if (earlier) {
                    occurred(i, time, eventId);
                }
                deny(i, wasDenied | probe);
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
            occurred(i, time, eventId);
            deny(i, isDenied);
        }

        /** A call not held yet; past the cap it takes the place of the latest call held, if it came before it. */
        private int join(int id, long time, String eventId, boolean isDenied) {
            int at;
            if (size >= CallBucket.MAX_CALLS) {
                at = latest();
                if (time > time(at) || time == time(at) && eventId.compareTo(eventId(at)) >= 0) {
                    return -1;
                }
            } else {
                at = size;
                if (at > 0) {
                    room(at);
                }
                size++;
            }
            renumber(at, id);
            occurred(at, time, eventId);
            deny(at, isDenied);
            return at;
        }

        /** Makes the arrays hold call {@code i} (i >= 1). */
        private void room(int i) {
            if (eventIds == null) {
                slots = new long[4];
                eventIds = new String[2];
                denied = new boolean[2];
            } else if (i - 1 == eventIds.length) {
                int n = 2 * eventIds.length;
                slots = Arrays.copyOf(slots, 2 * n);
                eventIds = Arrays.copyOf(eventIds, n);
                denied = Arrays.copyOf(denied, n);
            }
        }

        /** The index of the call that occurred last. */
        private int latest() {
            int last = 0;
            for (int i = 1; i < size; i++) {
                if (time(i) > time(last) || time(i) == time(last) && eventId(i).compareTo(eventId(last)) > 0) {
                    last = i;
                }
            }
            return last;
        }

        /** The call at this index as {@link CallBucket} holds it. */
        CallBucket.Call call(int i, DiscoveryCalls calls) {
            return new CallBucket.Call(calls.source(id(i)), calls.name(id(i)), denied(i), time(i), eventId(i));
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
