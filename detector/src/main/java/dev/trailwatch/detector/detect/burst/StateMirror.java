package dev.trailwatch.detector.detect.burst;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A windowed processor's per-key state store with the states on the heap as the store holds them, so that reading a
 * key's state costs no store read (a ThreadCache lookup, on a miss a RocksDB point read) and no deserialization.
 *
 * <p>Discipline (as {@link DiscoveryCounter}'s mirror): built in the processor's {@code init}, so a task re-initialised
 * after an exactly-once abort or a rebalance starts from the committed store; filled by one scan of the store on first
 * use; every write and delete goes to the store and the mirror. The states are immutable records, so the mirrored
 * object is the value that was stored. The store stays the only source of truth: the mirror changes how often it is
 * read, never what is read.
 *
 * <p>While the store holds at most {@link #MAX_KEYS} keys the mirror holds all of them, and a key it does not hold has
 * no state (most keys are new or had their windows closed and deleted, so this is the common case). Beyond that it
 * keeps the least recently used keys, with or without state, and reads the others from the store, until the task is
 * re-initialised. Memory: at most {@link #MAX_KEYS} states per processor and task (a burst key holds a few entries
 * of ~100 bytes while its windows are open).
 */
final class StateMirror<S> {

    /** The most keys mirrored per processor and task. */
    static final int MAX_KEYS = 10_000;
    /** Marks a key the store does not hold, once the mirror is no longer complete. */
    private static final Object ABSENT = new Object();

    private final KeyValueStore<String, S> store;
    private final int maxKeys;
    private final Map<String, Object> mirror;
    private boolean loaded;
    /** True while the mirror holds every key the store holds. */
    private boolean complete;

    StateMirror(KeyValueStore<String, S> store) {
        this(store, MAX_KEYS);
    }

    StateMirror(KeyValueStore<String, S> store, int maxKeys) {
        this.store = store;
        this.maxKeys = maxKeys;
        this.mirror = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                if (size() <= StateMirror.this.maxKeys) {
                    return false;
                }
                complete = false;
                return true;
            }
        };
    }

    /** The key's stored state, or null. */
    @SuppressWarnings("unchecked")
    S get(String key) {
        load();
        Object mirrored = mirror.get(key);
        if (mirrored == null) {
            if (complete) {
                return null;
            }
            S state = store.get(key);
            mirror.put(key, state == null ? ABSENT : state);
            return state;
        }
        return mirrored == ABSENT ? null : (S) mirrored;
    }

    void put(String key, S state) {
        load();
        store.put(key, state);
        mirror.put(key, state);
    }

    /**
     * Deletes the key (a null put: {@code delete} would read and deserialize the old value to return it); a key the
     * complete mirror does not hold is not in the store, and writes no tombstone.
     */
    void delete(String key) {
        load();
        if (complete) {
            if (mirror.remove(key) != null) {
                store.put(key, null);
            }
        } else {
            store.put(key, null);
            mirror.put(key, ABSENT);
        }
    }

    /** Every stored key and state, from the store, in key order (the order end-of-input and reporting go in). */
    List<KeyValue<String, S>> all() {
        List<KeyValue<String, S>> all = new ArrayList<>();
        try (KeyValueIterator<String, S> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    /** True while a key the mirror does not hold has no state. */
    boolean complete() {
        load();
        return complete;
    }

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        complete = true;
        try (KeyValueIterator<String, S> it = store.all()) {
            while (it.hasNext() && complete) {
                KeyValue<String, S> entry = it.next();
                mirror.put(entry.key, entry.value);
            }
        }
    }
}
