package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A windowed processor's per-key states, all on the heap, and their store written as a journal: the keys changed since
 * the last commit go to the store as one entry (a few past {@link #CHUNK_BYTES}) just before the task commits
 * ({@link CommitHook}), in the same transaction as the input offsets they cover, instead of one store write (a RocksDB
 * put and a changelog record) per key and commit, or per event without a cache.
 *
 * <p>An entry ({@link Journal#key}: {@code #<sequence>}) lists keys with their state as it stood at the commit, or
 * none for a key deleted since. {@link #load} replays the entries in sequence order, so a task re-initialised after an
 * exactly-once abort, moved or restarted holds exactly what its last commit held: the last state each key was given.
 * States stored one per key before the journal ({@code key -> state}, read with the processor's serde) come first;
 * the first commit moves them into an entry and deletes them, in that same transaction.
 *
 * <p>Entry formats. A processor whose serde is a {@link CompactSerde} writes version 2: every state's fields straight
 * into one packed buffer ({@link BinaryCodec.Out#packed}), so the strings its keys' states share (account, region,
 * principal, client, call, the event ids listed twice) are written once per entry, and no state is serialized into an
 * array of its own and copied again. Other serdes write version 1, each state as its serde writes it. Both are read,
 * whatever the processor writes: entries a version before this one wrote are version 1.
 *
 * <p>The journal stays about the size of the states it holds. Each key's latest state is in one entry; an entry none of
 * whose keys it still holds the latest state of is deleted once it is the oldest (its deletions can shadow only older
 * entries, and there are none). While the entries hold more than twice as many states as there are keys (plus a
 * chunk), the oldest entry's still-current states are written again into the commit's entry and the oldest is deleted.
 * So each commit writes about one entry and deletes about one, whatever the number of keys it changed, and a key's
 * state is written again at most about once for each time it was changed.
 *
 * <p>Memory: every key's state on the heap (not bounded by {@code state.memory}, which bounds the record caches and
 * RocksDB), plus a few dozen bytes of bookkeeping per key. A burst key holds its open windows, each with up to
 * {@link dev.trailwatch.detector.model.Alert#MAX_EVENT_IDS} events kept (~100 bytes each).
 */
final class StateJournal<S> {

    /** Bytes of states per entry at most, before another entry is started: well under a record's default limit. */
    static final int CHUNK_BYTES = 256 * 1024;
    /** States per entry at most. */
    static final int CHUNK = 1_000;
    /** Version 1: a list of (key, nullable state bytes), each state in the processor's serde. */
    private static final int VERSION = 1;
    /**
     * Version 2, for a state in {@link CompactSerde}: the serde's version byte, then items, each a tag ({@link #STATE}
     * or {@link #GONE}), the key and, for a state, its fields as the serde's codec writes them, all in one packed buffer
     * ({@link BinaryCodec.Out#packed}: the strings the states share written once); {@link #END} after the last.
     */
    private static final int PACKED = 2;
    private static final int END = 0;
    private static final int STATE = 1;
    private static final int GONE = 2;
    /** A packed buffer grown beyond this by one large entry is not kept for the next commit. */
    private static final int KEPT_CAPACITY = 2 * CHUNK_BYTES;
    /** The entry a key's state stored before the journal is in (its own store key). */
    private static final long OWN_KEY = -1;
    /** Marks a key deleted since the last commit. */
    private static final Object DELETED = new Object();

    private final KeyValueStore<String, byte[]> store;
    private final Serde<S> serde;
    /** The serde's codec when it is a {@link CompactSerde}: entries are then written packed (version 2). */
    private final BinaryCodec<S> codec;
    private final String topic;
    /** The packed buffer entries are written in, kept between commits (null until the first, or when too large). */
    private BinaryCodec.Out packed;
    private final Map<String, S> states = new HashMap<>(1024);
    /** Keys changed since the last commit, in order, with their state or {@link #DELETED}. */
    private final Map<String, Object> changed = new LinkedHashMap<>();
    /** The entry holding each key's latest written state. */
    private final Map<String, Long> writtenIn = new HashMap<>(1024);
    /** Per entry in the store, oldest first: the keys whose latest state it holds, and how many states it lists. */
    private final TreeMap<Long, Written> entries = new TreeMap<>();
    /** Keys stored one per key before the journal, still to be moved into it at the next commit. */
    private final Set<String> ownKeys = new HashSet<>();
    /** States the entries list in all (current or not). */
    private long listed;
    private long sequence;

    StateJournal(KeyValueStore<String, byte[]> store, Serde<S> serde) {
        this.store = store;
        this.serde = serde;
        this.codec = codecOf(serde);
        this.topic = store.name();
    }

    /** Reads the store (on {@code init}): states stored per key first, then the entries in sequence order. */
    void load() {
        states.clear();
        changed.clear();
        writtenIn.clear();
        entries.clear();
        ownKeys.clear();
        listed = 0;
        sequence = 0;
        List<KeyValue<String, byte[]>> journal = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (Journal.isEntry(entry.key)) {
                    journal.add(entry);
                } else if (entry.value != null) {
                    states.put(entry.key, serde.deserializer().deserialize(topic, entry.value));
                    ownKeys.add(entry.key);
                    writtenIn.put(entry.key, OWN_KEY);
                }
            }
        }
        journal.sort(Comparator.comparingLong(entry -> Journal.sequence(entry.key)));
        for (KeyValue<String, byte[]> entry : journal) {
            long at = Journal.sequence(entry.key);
            sequence = at + 1;
            List<KeyValue<String, S>> listing = decode(entry.value);
            Written written = new Written(listing.size());
            entries.put(at, written);
            listed += listing.size();
            for (KeyValue<String, S> state : listing) {
                forgetWritten(state.key);
                if (state.value == null) {
                    states.remove(state.key);
                } else {
                    states.put(state.key, state.value);
                    writtenIn.put(state.key, at);
                    written.current.add(state.key);
                }
            }
        }
    }

    /** The key's state, or null. */
    S get(String key) {
        return states.get(key);
    }

    void put(String key, S state) {
        states.put(key, state);
        changed.put(key, state);
    }

    /** Forgets the key; a deletion is written only when an entry (or the key's own record) holds a state of it. */
    void delete(String key) {
        if (states.remove(key) == null) {
            return;
        }
        if (writtenIn.containsKey(key)) {
            changed.put(key, DELETED);
        } else {
            changed.remove(key);
        }
    }

    /** Every key and state, in key order (the order end-of-input and reporting go in). */
    List<KeyValue<String, S>> all() {
        List<KeyValue<String, S>> all = new ArrayList<>(states.size());
        new TreeMap<>(states).forEach((key, state) -> all.add(KeyValue.pair(key, state)));
        return all;
    }

    int size() {
        return states.size();
    }

    /** The task's uncommitted work is being thrown away: so are the changes (the processor is re-initialised). */
    void drop() {
        changed.clear();
    }

    /**
     * Before the task commits: states stored per key move into the journal, the oldest entries are retired (see the
     * class comment), and the changed keys are written as one entry (or a few).
     */
    void commit() {
        if (!ownKeys.isEmpty()) {
            for (String key : ownKeys) {
                store.put(key, null);
                if (!changed.containsKey(key) && states.containsKey(key)) {
                    changed.put(key, states.get(key));
                }
            }
            ownKeys.clear();
        }
        retire();
        if (changed.isEmpty()) {
            return;
        }
        if (codec != null) {
            writePacked();
        } else {
            writeListed();
        }
        changed.clear();
    }

    /** The changes as version 2 entries: each state's fields written straight into one packed buffer. */
    @SuppressWarnings("unchecked")
    private void writePacked() {
        BinaryCodec.Out out = null;
        List<String> keys = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, Object> change : changed.entrySet()) {
            if (out == null) {
                out = packedBuffer();
            }
            String key = change.getKey();
            keys.add(key);
            if (change.getValue() == DELETED) {
                out.writeByte(GONE).writeString(key);
            } else {
                out.writeByte(STATE).writeString(key);
                codec.write(out, (S) change.getValue());
                kept.add(key);
            }
            if (keys.size() >= CHUNK || out.size() >= CHUNK_BYTES) {
                write(keys, kept, out.writeByte(END).toByteArray());
                out = null;
                keys = new ArrayList<>();
                kept = new ArrayList<>();
            }
        }
        if (out != null) {
            write(keys, kept, out.writeByte(END).toByteArray());
        }
        if (packed != null && packed.capacity() > KEPT_CAPACITY) {
            packed = null;
        }
    }

    private BinaryCodec.Out packedBuffer() {
        if (packed == null) {
            packed = BinaryCodec.Out.packed(CHUNK_BYTES / 4);
        }
        return packed.reset().writeByte(PACKED).writeByte(CompactSerde.VERSION);
    }

    /** The changes as version 1 entries (a serde without a codec): each state serialized on its own. */
    @SuppressWarnings("unchecked")
    private void writeListed() {
        List<KeyValue<String, byte[]>> chunk = new ArrayList<>();
        int bytes = 0;
        for (Map.Entry<String, Object> change : changed.entrySet()) {
            byte[] value = change.getValue() == DELETED ? null
                    : serde.serializer().serialize(topic, (S) change.getValue());
            chunk.add(KeyValue.pair(change.getKey(), value));
            bytes += change.getKey().length() + (value == null ? 0 : value.length);
            if (chunk.size() >= CHUNK || bytes >= CHUNK_BYTES) {
                writeListed(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!chunk.isEmpty()) {
            writeListed(chunk);
        }
    }

    private void writeListed(List<KeyValue<String, byte[]>> chunk) {
        List<String> keys = new ArrayList<>(chunk.size());
        List<String> kept = new ArrayList<>(chunk.size());
        for (KeyValue<String, byte[]> state : chunk) {
            keys.add(state.key);
            if (state.value != null) {
                kept.add(state.key);
            }
        }
        write(keys, kept, bytes(chunk));
    }

    /**
     * Deletes the oldest entries that hold no current state; while the entries list more than twice the states there
     * are (plus a chunk), moves the oldest entry's current states into this commit's changes and deletes it.
     */
    private void retire() {
        while (!entries.isEmpty()) {
            Map.Entry<Long, Written> oldest = entries.firstEntry();
            Written written = oldest.getValue();
            if (!written.current.isEmpty() && listed <= 2L * states.size() + CHUNK) {
                return;
            }
            for (String key : written.current) {
                writtenIn.remove(key);
                if (!changed.containsKey(key)) {
                    changed.put(key, states.get(key));
                }
            }
            store.put(Journal.key(oldest.getKey()), null);
            listed -= written.listed;
            entries.pollFirstEntry();
        }
    }

    /**
     * Stores one entry listing {@code keys}, of which {@code kept} have a state in it (the others were deleted), and
     * notes that it holds their latest states.
     */
    private void write(List<String> keys, List<String> kept, byte[] entry) {
        long at = sequence++;
        Written written = new Written(keys.size());
        for (String key : keys) {
            forgetWritten(key);
        }
        for (String key : kept) {
            writtenIn.put(key, at);
            written.current.add(key);
        }
        entries.put(at, written);
        listed += keys.size();
        store.put(Journal.key(at), entry);
    }

    /** The key's latest state is no longer the one its entry holds. */
    private void forgetWritten(String key) {
        Long at = writtenIn.remove(key);
        if (at != null && at != OWN_KEY) {
            Written written = entries.get(at);
            if (written != null) {
                written.current.remove(key);
            }
        }
    }

    /** How many entries the store holds (for tests and the journal's bound). */
    int entries() {
        return entries.size();
    }

    static byte[] bytes(List<KeyValue<String, byte[]>> states) {
        int size = 8;
        for (KeyValue<String, byte[]> state : states) {
            size += state.key.length() + (state.value == null ? 0 : state.value.length) + 8;
        }
        BinaryCodec.Out out = new BinaryCodec.Out(size).writeByte(VERSION);
        return out.writeList(states, (o, state) -> o.writeString(state.key).writeNullable(state.value,
                BinaryCodec.Out::writeBytes)).toByteArray();
    }

    /** An entry's keys with their states (null for a key deleted), in either version. */
    List<KeyValue<String, S>> decode(byte[] bytes) {
        return decode(bytes, serde, topic);
    }

    /** An entry's keys with their states (null for a key deleted), in either version, read with the store's serde. */
    static <S> List<KeyValue<String, S>> decode(byte[] bytes, Serde<S> serde, String topic) {
        if (bytes.length > 0 && bytes[0] == PACKED) {
            return readPacked(bytes, codecOf(serde), topic);
        }
        List<KeyValue<String, S>> listing = new ArrayList<>();
        for (KeyValue<String, byte[]> state : read(bytes)) {
            listing.add(KeyValue.pair(state.key, state.value == null ? null
                    : serde.deserializer().deserialize(topic, state.value)));
        }
        return listing;
    }

    /** The serde's codec when it is a {@link CompactSerde} (its states can be written packed), else null. */
    private static <S> BinaryCodec<S> codecOf(Serde<S> serde) {
        return serde instanceof CompactSerde<S> compact ? compact.codec() : null;
    }

    private static <S> List<KeyValue<String, S>> readPacked(byte[] bytes, BinaryCodec<S> codec, String topic) {
        if (codec == null) {
            throw new SerializationException("packed state journal entry in " + topic + ", whose serde has no codec");
        }
        try {
            BinaryCodec.In in = BinaryCodec.In.packed(bytes, 1);
            int version = in.readByte();
            if (version != CompactSerde.VERSION) {
                throw new IllegalArgumentException("state format version " + version);
            }
            List<KeyValue<String, S>> listing = new ArrayList<>();
            for (int tag = in.readByte(); tag != END; tag = in.readByte()) {
                if (tag != STATE && tag != GONE) {
                    throw new IllegalArgumentException("item tag " + tag);
                }
                String key = in.readString();
                listing.add(KeyValue.pair(key, tag == STATE ? codec.read(in) : null));
            }
            if (!in.done()) {
                throw new IllegalArgumentException("trailing bytes");
            }
            return listing;
        } catch (RuntimeException e) {
            throw new SerializationException("cannot read a state journal entry of " + topic + ": " + e.getMessage(),
                    e);
        }
    }

    /** A version 1 entry's keys and serialized states. */
    static List<KeyValue<String, byte[]>> read(byte[] bytes) {
        BinaryCodec.In in = new BinaryCodec.In(bytes, 0);
        int version = in.readByte();
        if (version != VERSION) {
            throw new SerializationException("state journal entry of unknown version " + version);
        }
        return in.readList(entry -> KeyValue.pair(entry.readString(), entry.readNullable(BinaryCodec.In::readBytes)));
    }

    /** One entry in the store: the keys whose latest state it holds, and how many states it lists. */
    private static final class Written {
        final Set<String> current = new HashSet<>();
        final int listed;

        Written(int listed) {
            this.listed = listed;
        }
    }
}
