package dev.trailwatch.detector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a processor's key-value stores held at a commit, and putting exactly that back: what Kafka Streams does when
 * it revives a task after an exactly-once abort (stores wiped and restored from their changelogs) before calling
 * {@code init} again on the same processor objects. For the revive tests on a {@link MockProcessorContext}.
 */
public final class CommittedStores {

    private final Map<String, List<KeyValue<String, Object>>> entries;

    private CommittedStores(Map<String, List<KeyValue<String, Object>>> entries) {
        this.entries = entries;
    }

    /** The content of the named stores the context holds (names it does not hold are left out). */
    public static CommittedStores at(MockProcessorContext<?, ?> context, List<String> names) {
        Map<String, List<KeyValue<String, Object>>> entries = new TreeMap<>();
        for (String name : names) {
            KeyValueStore<String, Object> store = store(context, name);
            if (store == null) {
                continue;
            }
            List<KeyValue<String, Object>> content = new ArrayList<>();
            try (KeyValueIterator<String, Object> it = store.all()) {
                it.forEachRemaining(content::add);
            }
            entries.put(name, content);
        }
        return new CommittedStores(entries);
    }

    /** Every store back to what it held: whatever was written since is gone. */
    public void restore(MockProcessorContext<?, ?> context) {
        entries.forEach((name, content) -> {
            KeyValueStore<String, Object> store = store(context, name);
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, Object> it = store.all()) {
                it.forEachRemaining(entry -> keys.add(entry.key));
            }
            keys.forEach(store::delete);
            content.forEach(entry -> store.put(entry.key, entry.value));
        });
    }

    @SuppressWarnings("unchecked")
    private static KeyValueStore<String, Object> store(MockProcessorContext<?, ?> context, String name) {
        try {
            return (KeyValueStore<String, Object>) context.getStateStore(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
