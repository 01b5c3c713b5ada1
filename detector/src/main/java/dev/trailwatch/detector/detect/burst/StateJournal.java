package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
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
    /** Version 1: a list of (key, nullable state bytes). */
    private static final int VERSION = 1;
    /** The entry a key's state stored before the journal is in (its own store key). */
    private static final long OWN_KEY = -1;
    /** Marks a key deleted since the last commit. */
    private static final Object DELETED = new Object();

    private final KeyValueStore<String, byte[]> store;
    private final Serde<S> serde;
    private final String topic;
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
            List<KeyValue<String, byte[]>> listing = read(entry.value);
            Written written = new Written(listing.size());
            entries.put(at, written);
            listed += listing.size();
            for (KeyValue<String, byte[]> state : listing) {
                forgetWritten(state.key);
                if (state.value == null) {
                    states.remove(state.key);
                } else {
                    states.put(state.key, serde.deserializer().deserialize(topic, state.value));
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
    @SuppressWarnings("unchecked")
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
        List<KeyValue<String, byte[]>> chunk = new ArrayList<>();
        int bytes = 0;
        for (Map.Entry<String, Object> change : changed.entrySet()) {
            byte[] value = change.getValue() == DELETED ? null
                    : serde.serializer().serialize(topic, (S) change.getValue());
            chunk.add(KeyValue.pair(change.getKey(), value));
            bytes += change.getKey().length() + (value == null ? 0 : value.length);
            if (chunk.size() >= CHUNK || bytes >= CHUNK_BYTES) {
                write(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!chunk.isEmpty()) {
            write(chunk);
        }
        changed.clear();
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

    private void write(List<KeyValue<String, byte[]>> chunk) {
        long at = sequence++;
        Written written = new Written(chunk.size());
        for (KeyValue<String, byte[]> state : chunk) {
            forgetWritten(state.key);
            if (state.value != null) {
                writtenIn.put(state.key, at);
                written.current.add(state.key);
            }
        }
        entries.put(at, written);
        listed += chunk.size();
        store.put(Journal.key(at), bytes(chunk));
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
