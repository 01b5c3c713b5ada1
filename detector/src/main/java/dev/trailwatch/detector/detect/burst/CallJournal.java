package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What discovery-burst's calls store holds since its calls were journaled: entries of the changes to principals' call
 * buckets, each change the call as it now stands in its principal's bucket ({@link CallBucket#withCall}). One entry
 * holds the changes of one commit to one bucket (at most {@link #CHUNK} of them), under a key {@code #<sequence>} and
 * the bucket's start as the window store's timestamp, so the store drops it with its bucket.
 *
 * <p>Why a journal and not one entry per principal and bucket: a principal's new call used to be one store write (a
 * RocksDB put and a changelog record, each with the whole bucket), and new calls are a large share of reads; now a
 * commit's changes to a bucket are one write. Replaying the entries of a bucket in sequence order rebuilds every
 * principal's bucket exactly as it stood, because each change is applied the way it was made.
 *
 * <p>Version 4 (written since session 12) names each principal and each call once per entry, in two tables at its
 * head, and a change points into them: (principal, call, denied, event time as an offset from the entry's first
 * change, event id; a lowercase UUID, as CloudTrail's are, in 16 bytes). A change took ~170 bytes in version 3 (every
 * string in full each time); the principal's name once per entry is most of what is left. Version 3 entries are still
 * read, and so are entries written before the journal (key {@code account|principal}, value a {@link CallBucket}):
 * read as that principal's whole bucket, before any journaled change.
 */
final class CallJournal {

    /** Changes per entry at most: an entry stays well under a Kafka record's default size limit. */
    static final int CHUNK = 1_000;

    /** 3: written with {@link BinaryCodec}'s nullable strings and varint list size (2 was a hand-rolled layout). */
    private static final int VERSION_3 = 3;
    /** 4: tables of the entry's principals and calls, changes pointing into them (see the class comment). */
    private static final int VERSION = 4;
    private static final int DENIED = 1;
    private static final int UUID_ID = 2;

    /**
     * One change: the call as it now stands in the bucket of this principal of this account (null when the record
     * named none), each kept as it came so that a replay finds the principal under the same key.
     */
    record Change(String account, String principal, CallBucket.Call call) {

        /** {@code account|principal}: {@link DiscoveryCounter#entity}. */
        String entity() {
            return DiscoveryCounter.entity(account, principal);
        }
    }

    private CallJournal() {
    }

    static byte[] bytes(List<Change> changes) {
        DiscoveryCalls names = new DiscoveryCalls();
        Map<String, DiscoveryPrincipal> principals = new HashMap<>();
        Writer writer = new Writer(names);
        EventId id = new EventId();
        for (Change change : changes) {
            CallBucket.Call call = change.call();
            DiscoveryPrincipal who = principals.computeIfAbsent(change.entity(),
                    e -> new DiscoveryPrincipal(change.account(), change.principal()));
            id.of(call.eventId()).parsed();
            writer.add(who, names.id(call.source(), call.name()), call.denied(), call.time(), id.high, id.low,
                    id.other);
        }
        return writer.bytes();
    }

    /**
     * A row of an entry's principal or call table, encoded once and copied into each entry that lists it
     * ({@link BinaryCodec.Out#writeEncoded}): two strings as {@link BinaryCodec.Out#writeString} writes them.
     */
    static byte[] tableRow(String first, String second) {
        return new BinaryCodec.Out(8 + (first == null ? 0 : first.length()) + second.length()).writeString(first)
                .writeString(second).toByteArray();
    }

    /**
     * Builds one version-4 entry: the changes in the order they were made. A principal's and a call's place in the
     * entry's tables is found without hashing: a mark on the principal ({@link DiscoveryPrincipal#entryMark}), and per
     * call number. Event ids come as a UUID's halves, or as a String for an id that is not one ({@link EventId}).
     * Reused from entry to entry ({@link #reset}): its arrays are kept, not grown again for each commit.
     */
    static final class Writer {

        /**
         * Entry marks, unique for the life of the JVM: a principal holds a number, not a reference, so marking it
         * writes no object reference into a long-lived object.
         */
        private static final AtomicLong MARKS = new AtomicLong();

        private DiscoveryCalls names;
        /** Marks the principals this entry lists ({@link DiscoveryPrincipal#entryMark}). */
        private long mark = MARKS.incrementAndGet();
        private final List<DiscoveryPrincipal> principals = new ArrayList<>();
        /** The entry's calls by number, in the order first listed; {@code callIndex[call]} is the place of one. */
        private int[] calls = new int[64];
        private int callCount;
        private int[] callIndex;
        private int[] who = new int[64];
        private int[] api = new int[64];
        private long[] times = new long[64];
        private long[] highs = new long[64];
        private long[] lows = new long[64];
        /** Event ids that are not lowercase UUIDs (null for those that are): made at the first such id. */
        private String[] others;
        private boolean[] denied = new boolean[64];
        private int size;

        /** @param names the dictionary the calls' numbers are from */
        Writer(DiscoveryCalls names) {
            this.names = names;
            this.callIndex = new int[Math.max(16, names.size())];
            Arrays.fill(callIndex, -1);
        }

        /** Empties this for a new entry of calls numbered by {@code fresh}; forgets the principals it listed. */
        Writer reset(DiscoveryCalls fresh) {
            for (int i = 0; i < callCount; i++) {
                callIndex[calls[i]] = -1;
            }
            callCount = 0;
            principals.clear();
            if (others != null) {
                Arrays.fill(others, 0, size, null);
            }
            size = 0;
            mark = MARKS.incrementAndGet();
            names = fresh;
            return this;
        }

        /**
         * A change: {@code other} is the event id when it is not a lowercase UUID, else null and the id is
         * {@code high} and {@code low} ({@link EventId}).
         */
        void add(DiscoveryPrincipal principal, int call, boolean isDenied, long time, long high, long low,
                 String other) {
            if (size == who.length) {
                int n = 2 * size;
                who = Arrays.copyOf(who, n);
                api = Arrays.copyOf(api, n);
                times = Arrays.copyOf(times, n);
                highs = Arrays.copyOf(highs, n);
                lows = Arrays.copyOf(lows, n);
                if (others != null) {
                    others = Arrays.copyOf(others, n);
                }
                denied = Arrays.copyOf(denied, n);
            }
            if (principal.entryMark != mark) {
                principal.entryMark = mark;
                principal.entryIndex = principals.size();
                principals.add(principal);
            }
            if (call >= callIndex.length) {
                int old = callIndex.length;
                callIndex = Arrays.copyOf(callIndex, Math.max(call + 1, 2 * old));
                Arrays.fill(callIndex, old, callIndex.length, -1);
            }
            if (callIndex[call] < 0) {
                if (callCount == calls.length) {
                    calls = Arrays.copyOf(calls, 2 * callCount);
                }
                callIndex[call] = callCount;
                calls[callCount++] = call;
            }
            who[size] = principal.entryIndex;
            api[size] = callIndex[call];
            times[size] = time;
            highs[size] = high;
            lows[size] = low;
            if (other != null && others == null) {
                others = new String[who.length];
            }
            if (others != null) {
                others[size] = other;
            }
            denied[size] = isDenied;
            size++;
        }

        int size() {
            return size;
        }

        byte[] bytes() {
            BinaryCodec.Out out = new BinaryCodec.Out(96 * principals.size() + 40 * callCount + 28 * size + 16)
                    .writeByte(VERSION);
            out.writeVarInt(principals.size());
            // each principal's and call's strings were encoded when first written: copied, not encoded again
            for (DiscoveryPrincipal p : principals) {
                out.writeEncoded(p.encoded());
            }
            out.writeVarInt(callCount);
            for (int i = 0; i < callCount; i++) {
                out.writeEncoded(names.encoded(calls[i]));
            }
            long base = size == 0 ? 0 : times[0];
            out.writeLong(base).writeVarInt(size);
            long[] uuid = new long[2];
            for (int i = 0; i < size; i++) {
                out.writeVarInt(who[i]).writeVarInt(api[i]);
                String other = others == null ? null : others[i];
                out.writeByte((denied[i] ? DENIED : 0) | (other == null ? UUID_ID : 0));
                out.writeSignedVarLong(times[i] - base);
                if (other == null) {
                    uuid[0] = highs[i];
                    uuid[1] = lows[i];
                    out.writeUuid(uuid);
                } else {
                    out.writeString(other);
                }
            }
            return out.toByteArray();
        }
    }

    static List<Change> read(byte[] bytes) {
        BinaryCodec.In in = new BinaryCodec.In(bytes, 0);
        int version = in.readByte();
        if (version == VERSION_3) {
            return in.readList(entry -> {
                String account = entry.readString();
                String principal = entry.readString();
                String source = CallBucket.canonical(entry.readString());
                String name = CallBucket.canonical(entry.readString());
                boolean denied = entry.readBoolean();
                long time = entry.readLong();
                return new Change(account, principal, new CallBucket.Call(source, name, denied, time,
                        entry.readString()));
            });
        }
        if (version != VERSION) {
            throw new SerializationException("discovery call journal entry of unknown version " + version);
        }
        List<String[]> principals = in.readList(entry -> new String[] {entry.readString(), entry.readString()});
        List<String[]> calls = in.readList(entry -> new String[] {CallBucket.canonical(entry.readString()),
                CallBucket.canonical(entry.readString())});
        long base = in.readLong();
        int n = in.readVarInt();
        if (n > bytes.length) {
            throw new SerializationException("discovery call journal entry of " + n + " changes in " + bytes.length
                    + " bytes");
        }
        List<Change> changes = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                String[] who = principals.get(in.readVarInt());
                String[] api = calls.get(in.readVarInt());
                int flags = in.readByte();
                long time = base + in.readSignedVarLong();
                String eventId = (flags & UUID_ID) != 0 ? in.readUuid() : in.readString();
                changes.add(new Change(who[0], who[1], new CallBucket.Call(api[0], api[1], (flags & DENIED) != 0,
                        time, eventId)));
            }
        } catch (IndexOutOfBoundsException e) {
            throw new SerializationException("discovery call journal entry points past its tables", e);
        }
        return changes;
    }
}
