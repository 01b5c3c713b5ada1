package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The heap mirror of a windowed processor's states answers exactly what the store holds: after writes and deletes,
 * when built on a store that already holds state (a re-initialised task), and when the store holds more keys than the
 * mirror keeps.
 */
class StateMirrorTest {

    private KeyValueStore<String, String> store;

    @BeforeEach
    void store() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("states"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    @Test
    void writesAndDeletesReachTheStoreAndReadsFollowThem() {
        StateMirror<String> states = new StateMirror<>(store);
        assertThat(states.get("a")).isNull();

        states.put("a", "1");
        states.put("b", "2");
        states.put("a", "3");
        states.delete("b");

        assertThat(states.get("a")).isEqualTo("3");
        assertThat(states.get("b")).isNull();
        assertThat(store.get("a")).isEqualTo("3");
        assertThat(store.get("b")).isNull();
        assertThat(states.all()).containsExactly(KeyValue.pair("a", "3"));
    }

    /** A complete mirror knows the store does not hold a key: deleting it writes no tombstone (no changelog record). */
    @Test
    void deletingAKeyTheStoreDoesNotHoldWritesNothing() {
        List<String> written = new ArrayList<>();
        StateMirror<String> states = new StateMirror<>(recordingPuts(store, written));
        states.put("a", "1");
        states.delete("never-stored");
        states.delete("a");
        states.delete("a");

        assertThat(written).containsExactly("a", "a");
        assertThat(store.get("a")).isNull();
    }

    /** The store, with the key of every put (deletes are null puts) added to {@code written}. */
    @SuppressWarnings("unchecked")
    static KeyValueStore<String, String> recordingPuts(KeyValueStore<String, String> store, List<String> written) {
        return (KeyValueStore<String, String>) Proxy.newProxyInstance(KeyValueStore.class.getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put")) {
                        written.add((String) args[0]);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aMirrorBuiltOnAStoreWithStateReadsIt() {
        store.put("a", "committed");
        store.put("b", "also");

        StateMirror<String> states = new StateMirror<>(store);
        assertThat(states.complete()).isTrue();
        assertThat(states.get("a")).isEqualTo("committed");
        assertThat(states.get("b")).isEqualTo("also");
        assertThat(states.get("c")).isNull();
    }

    @Test
    void staysExactWithMoreKeysThanItKeeps() {
        for (int i = 0; i < 5; i++) {
            store.put("k" + i, "v" + i);
        }
        StateMirror<String> states = new StateMirror<>(store, 2);
        assertThat(states.complete()).isFalse();

        for (int i = 0; i < 5; i++) {
            assertThat(states.get("k" + i)).isEqualTo("v" + i);
        }
        states.delete("k1");
        states.put("k7", "v7");
        for (String key : List.of("k0", "k2", "k3", "k4", "k7")) {
            assertThat(states.get(key)).as(key).isEqualTo("v" + key.substring(1));
        }
        assertThat(states.get("k1")).isNull();
        assertThat(states.get("k9")).isNull();
        // A key written behind the mirror's back (only the store is authoritative) is found once the mirror forgot it.
        store.put("k9", "v9");
        assertThat(states.get("k0")).isEqualTo("v0");
        assertThat(states.get("k2")).isEqualTo("v2");
        assertThat(states.get("k9")).isEqualTo("v9");
    }

    @Test
    void overflowingWhileRunningFallsBackToTheStore() {
        StateMirror<String> states = new StateMirror<>(store, 2);
        states.put("a", "1");
        states.put("b", "2");
        assertThat(states.complete()).isTrue();

        states.put("c", "3");
        assertThat(states.complete()).isFalse();
        assertThat(states.get("a")).isEqualTo("1");
        assertThat(states.get("b")).isEqualTo("2");
        assertThat(states.get("c")).isEqualTo("3");
    }
}
