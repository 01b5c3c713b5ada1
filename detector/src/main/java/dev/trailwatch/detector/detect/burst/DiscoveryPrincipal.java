package dev.trailwatch.detector.detect.burst;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One principal's open buckets of distinct calls, as discovery-burst's task holds them on the heap: for each bucket
 * start, its calls as numbers of the task's {@link DiscoveryCalls} with their earliest occurrence (event time, event
 * id) and whether one was refused to a program, in one {@code long[]} per bucket (the event id as a UUID's two halves,
 * {@link EventId}). A repeat of a known call is a scan of a few longs and a comparison of two; nothing is allocated,
 * and the event id is not even parsed unless the repeat ties with or precedes the occurrence held. A bucket that ages
 * out leaves its slot, and its object and array, to the next bucket this principal opens: opening and dropping buckets
 * writes no object reference into this long-lived principal (G1 charges such writes a dirty card and refinement), and
 * journal entries mark a principal with a number ({@link #entryMark}), not an object.
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
    long entryMark;
    int entryIndex;
    /** Account and name as a journal entry's table writes them, encoded at the first entry: most are in many. */
    private byte[] encoded;
    /** Buckets before this start have been dropped ({@link #forgetBefore}). */
    long from = Long.MIN_VALUE;
    /**
     * Bucket slots: slot i holds the bucket at {@code starts[i]}, or is free ({@link #FREE}) with the {@link Bucket} it
     * held kept for the next bucket opened there. A slot's bucket object is made once and reused, so opening and
     * dropping buckets writes no object reference into this (long-lived) principal.
     */
    private long[] starts = {FREE, FREE};
    private Bucket[] buckets = new Bucket[2];
    private int size;
    /** The slot of the bucket with the latest start (most calls go there), or -1. */
    private int newest = -1;
    private long newestStart = Long.MIN_VALUE;
    private static final long FREE = Long.MIN_VALUE;

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
            return buckets[newest];
        }
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] == start) {
                return buckets[i];
            }
        }
        return null;
    }

    /** A new, empty bucket at this start (there is none yet). */
    Bucket open(long start) {
        int slot = -1;
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] == FREE) {
                slot = i;
                if (buckets[i] != null) {
                    break;
                }
            }
        }
        if (slot < 0) {
            slot = starts.length;
            starts = Arrays.copyOf(starts, 2 * slot);
            Arrays.fill(starts, slot, starts.length, FREE);
            buckets = Arrays.copyOf(buckets, 2 * slot);
        }
        Bucket bucket = buckets[slot];
        if (bucket == null) {
            bucket = new Bucket();
            buckets[slot] = bucket;
        }
        starts[slot] = start;
        size++;
        if (newest < 0 || start > newestStart) {
            newest = slot;
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
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] != FREE && starts[i] < oldest) {
                starts[i] = FREE;
                buckets[i].clear();
                size--;
            }
        }
        from = oldest;
        if (newestStart < oldest) {
            // the latest start went, so did every other
            newest = -1;
            newestStart = Long.MIN_VALUE;
        }
        return size == 0;
    }

    /** Renumbers every call held, for a new dictionary. */
    void renumber(DiscoveryCalls old, DiscoveryCalls fresh) {
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] == FREE) {
                continue;
            }
            Bucket b = buckets[i];
            for (int c = 0; c < b.size; c++) {
                b.renumber(c, fresh.id(old.source(b.id(c)), old.name(b.id(c))));
            }
        }
    }

    /**
     * One bucket's distinct calls; unordered (read in occurrence order through {@link #bucket}). Held in primitives
     * only: a bucket is one object and one {@code long[]} (and, for event ids that are not lowercase UUIDs, a
     * {@code String[]}), so the mirror keeps no String per call for young collections to copy.
     */
    static final class Bucket {
        /** The stride of {@link #slots}: four longs a call. */
        private static final int STRIDE = 4;
        private static final long DENIED = 1L << 32;
        /** The most calls a bucket's array keeps room for once emptied ({@link #clear}). */
        private static final int KEPT = 16;

        int size;
        /**
         * Call i at {@code 4i}: its number in the low 32 bits, {@link #DENIED} above; its earliest time at
         * {@code 4i + 1}; the event id of that occurrence as a UUID's two halves at {@code 4i + 2} and {@code 4i + 3}
         * ({@link EventId}). A repeat reads one array. Most principals make one to three distinct calls a bucket.
         */
        long[] slots = new long[2 * STRIDE];
        /** Per call, its event id when that is not a lowercase UUID (else null); null until a bucket holds one. */
        private String[] others;

        int id(int i) {
            return (int) slots[STRIDE * i];
        }

        /** Call i's number and denial as one word ({@link #word(int, boolean)}). */
        long word(int i) {
            return slots[STRIDE * i];
        }

        /** A call's number in the low 32 bits, {@link #DENIED} above: how a bucket and the pending changes hold it. */
        static long word(int call, boolean denied) {
            return call | (denied ? DENIED : 0);
        }

        static boolean denied(long word) {
            return (word & DENIED) != 0;
        }

        /** The word with another call number, its denial kept (a new dictionary). */
        static long renumbered(long word, int call) {
            return word & DENIED | call;
        }

        long time(int i) {
            return slots[STRIDE * i + 1];
        }

        boolean denied(int i) {
            return denied(slots[STRIDE * i]);
        }

        long high(int i) {
            return slots[STRIDE * i + 2];
        }

        long low(int i) {
            return slots[STRIDE * i + 3];
        }

        /** Call i's event id when it is not a lowercase UUID, else null. */
        String other(int i) {
            return others == null ? null : others[i];
        }

        /** Call i's event id as it came (a UUID's text is made again from its halves). */
        String eventId(int i) {
            return EventId.text(high(i), low(i), other(i));
        }

        int indexOf(int id) {
            for (int i = 0; i < size; i++) {
                if ((int) slots[STRIDE * i] == id) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Takes an occurrence of a call, as {@link CallBucket#with} does: the index of the call as it now stands, or
         * -1 when this changes nothing (a later repeat, no new denial; or a call past the cap that came later than
         * every call kept). {@code id} is parsed only when its order matters or it is kept.
         */
        int with(int call, long time, EventId id, boolean probe) {
            int i = indexOf(call);
            if (i >= 0) {
                long known = time(i);
                if (time > known && (!probe || denied(i))) {
                    return -1;
                }
                boolean earlier = time < known || time == known && compare(time, id.parsed(), i) < 0;
                if (!earlier && (!probe || denied(i))) {
                    return -1;
                }
                if (earlier) {
                    occurred(i, time, id.parsed());
                }
                if (probe) {
                    slots[STRIDE * i] |= DENIED;
                }
                return i;
            }
            return join(call, time, id.parsed(), probe);
        }

        /**
         * Takes a change {@link #with} made, as the journal replays it ({@link CallBucket#withCall}): the call's
         * occurrence and denial replace the ones held, or it joins the calls.
         */
        void set(int call, long time, EventId id, boolean isDenied) {
            int i = indexOf(call);
            if (i < 0) {
                join(call, time, id.parsed(), isDenied);
                return;
            }
            slots[STRIDE * i] = word(call, isDenied);
            occurred(i, time, id.parsed());
        }

        /**
         * A call not held yet; past the cap it takes the place of the latest call held, if it came before it.
         * {@code id} is parsed.
         */
        private int join(int call, long time, EventId id, boolean isDenied) {
            int at;
            if (size >= CallBucket.MAX_CALLS) {
                at = latest();
                if (compare(time, id, at) >= 0) {
                    return -1;
                }
            } else {
                if (STRIDE * size == slots.length) {
                    slots = Arrays.copyOf(slots, 2 * slots.length);
                    if (others != null) {
                        others = Arrays.copyOf(others, 2 * size);
                    }
                }
                at = size++;
            }
            slots[STRIDE * at] = word(call, isDenied);
            occurred(at, time, id);
            return at;
        }

        /** Call i's earliest occurrence is now this one. */
        private void occurred(int i, long time, EventId id) {
            slots[STRIDE * i + 1] = time;
            slots[STRIDE * i + 2] = id.high;
            slots[STRIDE * i + 3] = id.low;
            if (id.other != null && others == null) {
                others = new String[slots.length / STRIDE];
            }
            if (others != null) {
                others[i] = id.other;
            }
        }

        /**
         * An occurrence against call i's, by (time, event id) as {@link CallBucket.Call#OCCURRENCE} orders them: two
         * UUIDs by their halves unsigned (the same order as their text, see {@link EventId}), else as Strings.
         */
        private int compare(long time, EventId id, int i) {
            long known = time(i);
            if (time != known) {
                return Long.compare(time, known);
            }
            String other = other(i);
            if (id.other == null && other == null) {
                int high = Long.compareUnsigned(id.high, high(i));
                return high != 0 ? high : Long.compareUnsigned(id.low, low(i));
            }
            return id.text().compareTo(eventId(i));
        }

        /** Call i against call j, as {@link #compare(long, EventId, int)}. */
        private int compare(int i, int j) {
            long ti = time(i);
            long tj = time(j);
            if (ti != tj) {
                return Long.compare(ti, tj);
            }
            if (other(i) == null && other(j) == null) {
                int high = Long.compareUnsigned(high(i), high(j));
                return high != 0 ? high : Long.compareUnsigned(low(i), low(j));
            }
            return eventId(i).compareTo(eventId(j));
        }

        /** The index of the call that occurred last. */
        private int latest() {
            int last = 0;
            for (int i = 1; i < size; i++) {
                if (compare(i, last) > 0) {
                    last = i;
                }
            }
            return last;
        }

        /** The call at this index as {@link CallBucket} holds it. */
        CallBucket.Call call(int i, DiscoveryCalls calls) {
            return new CallBucket.Call(calls.source(id(i)), calls.name(id(i)), denied(i), time(i), eventId(i));
        }

        /** Renumbers call i, for a new dictionary. */
        void renumber(int i, int call) {
            slots[STRIDE * i] = renumbered(slots[STRIDE * i], call);
        }

        /** Empty again, for a new start: its array is kept unless a burst grew it past {@link #KEPT} calls. */
        void clear() {
            size = 0;
            if (others != null) {
                others = null;
            }
            if (slots.length > KEPT * STRIDE) {
                slots = new long[2 * STRIDE];
            }
        }

        /** Replaces what this holds with a bucket's calls (a bucket stored whole, before the journal). */
        void setAll(CallBucket bucket, DiscoveryCalls calls) {
            size = 0;
            others = null;
            EventId id = new EventId();
            for (CallBucket.Call c : bucket.calls()) {
                join(calls.id(c.source(), c.name()), c.time(), id.of(c.eventId()).parsed(), c.denied());
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
