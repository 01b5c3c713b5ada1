package dev.trailwatch.detector.detect.burst;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Entries written before the journal (key {@code account|principal}, value a {@link CallBucket}) are read as that
 * principal's whole bucket, before any journaled change.
 */
final class CallJournal {

    /** Changes per entry at most: an entry stays well under a Kafka record's default size limit. */
    static final int CHUNK = 1_000;

    private static final int VERSION = 2;
    private static final char KEY = '#';
    /** Strings per change: account, principal, event source, event name, event id. */
    private static final int FIELDS = 5;

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

    /** The key of the entry with this sequence number: ordered as the numbers are. */
    static String key(long sequence) {
        return KEY + String.format("%019d", sequence);
    }

    /** Whether a key is a journal entry's, rather than a whole bucket written before the journal. */
    static boolean isEntry(String key) {
        return !key.isEmpty() && key.charAt(0) == KEY;
    }

    static long sequence(String key) {
        return Long.parseLong(key, 1, key.length(), 10);
    }

    static byte[] bytes(List<Change> changes) {
        List<byte[]> strings = new ArrayList<>(changes.size() * FIELDS);
        int size = 2 + 4;
        for (Change c : changes) {
            CallBucket.Call call = c.call();
            for (String s : new String[] {c.account(), c.principal(), call.source(), call.name(), call.eventId()}) {
                byte[] utf8 = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
                strings.add(utf8);
                size += 4 + (utf8 == null ? 0 : utf8.length);
            }
            size += 1 + 8;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putShort((short) VERSION).putInt(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            for (int s = 0; s < FIELDS; s++) {
                byte[] utf8 = strings.get(FIELDS * i + s);
                if (utf8 == null) {
                    out.putInt(-1);
                } else {
                    out.putInt(utf8.length).put(utf8);
                }
            }
            CallBucket.Call call = changes.get(i).call();
            out.put(call.denied() ? (byte) 1 : 0).putLong(call.time());
        }
        return out.array();
    }

    static List<Change> read(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int version = in.getShort();
        if (version != VERSION) {
            throw new SerializationException("discovery call journal entry of unknown version " + version);
        }
        int n = in.getInt();
        List<Change> changes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String account = string(in);
            String principal = string(in);
            String source = CallBucket.canonical(string(in));
            String name = CallBucket.canonical(string(in));
            String eventId = string(in);
            boolean denied = in.get() == 1;
            changes.add(new Change(account, principal,
                    new CallBucket.Call(source, name, denied, in.getLong(), eventId)));
        }
        return changes;
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }
}
