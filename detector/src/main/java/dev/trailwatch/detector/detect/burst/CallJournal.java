package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
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

    /** 3: written with {@link BinaryCodec}'s nullable strings and varint list size (2 was a hand-rolled layout). */
    private static final int VERSION = 3;

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
        BinaryCodec.Out out = new BinaryCodec.Out(96 * changes.size() + 8).writeByte(VERSION);
        return out.writeList(changes, (o, change) -> {
            CallBucket.Call call = change.call();
            o.writeString(change.account()).writeString(change.principal()).writeString(call.source())
                    .writeString(call.name()).writeBoolean(call.denied()).writeLong(call.time())
                    .writeString(call.eventId());
        }).toByteArray();
    }

    static List<Change> read(byte[] bytes) {
        BinaryCodec.In in = new BinaryCodec.In(bytes, 0);
        int version = in.readByte();
        if (version != VERSION) {
            throw new SerializationException("discovery call journal entry of unknown version " + version);
        }
        return in.readList(entry -> {
            String account = entry.readString();
            String principal = entry.readString();
            String source = CallBucket.canonical(entry.readString());
            String name = CallBucket.canonical(entry.readString());
            boolean denied = entry.readBoolean();
            long time = entry.readLong();
            return new Change(account, principal, new CallBucket.Call(source, name, denied, time, entry.readString()));
        });
    }
}
