package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A windowed processor's states written as a journal before each commit: a journal loaded from the store holds exactly
 * what the last commit held (whatever came after it is lost, as an aborted transaction's writes are), states stored
 * one per key before the journal are read and moved into it, and the store stays about the size of the states.
 */
class StateJournalTest {

    private KeyValueStore<String, byte[]> store;

    @BeforeEach
    void store() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("states"), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    @Test
    void aJournalLoadedFromTheStoreHoldsWhatEachCommitHeld() {
        Random random = new Random(7);
        StateJournal<String> journal = journal();
        Map<String, String> expected = new TreeMap<>();
        for (int commit = 0; commit < 300; commit++) {
            for (int change = 0; change < random.nextInt(40); change++) {
                String key = "k" + random.nextInt(200);
                if (random.nextInt(4) == 0) {
                    journal.delete(key);
                    expected.remove(key);
                } else {
                    String value = key + "@" + commit + "." + change;
                    journal.put(key, value);
                    expected.put(key, value);
                }
            }
            journal.commit();

            StateJournal<String> loaded = journal();
            assertThat(asMap(loaded.all())).as("after commit %d", commit).isEqualTo(expected);
            assertThat(asMap(journal.all())).isEqualTo(expected);
        }
    }

    @Test
    void changesAfterTheLastCommitAreNotInTheStore() {
        StateJournal<String> journal = journal();
        journal.put("a", "1");
        journal.put("b", "2");
        journal.commit();

        journal.put("a", "changed");
        journal.delete("b");
        journal.put("c", "new");
        // an abort: the task's uncommitted work is dropped and it is initialised again from the store
        journal.drop();
        journal.load();

        assertThat(asMap(journal.all())).isEqualTo(Map.of("a", "1", "b", "2"));
        journal.commit();
        assertThat(asMap(journal().all())).isEqualTo(Map.of("a", "1", "b", "2"));
    }

    @Test
    void statesStoredPerKeyBeforeTheJournalAreReadAndMovedIntoIt() {
        store.put("user|alice", "old-a".getBytes());
        store.put("user|bob", "old-b".getBytes());
        StateJournal<String> journal = journal();
        assertThat(asMap(journal.all())).isEqualTo(Map.of("user|alice", "old-a", "user|bob", "old-b"));

        journal.put("user|alice", "new-a");
        journal.commit();

        assertThat(store.get("user|alice")).isNull();
        assertThat(store.get("user|bob")).isNull();
        assertThat(keys()).allMatch(Journal::isEntry);
        assertThat(asMap(journal().all())).isEqualTo(Map.of("user|alice", "new-a", "user|bob", "old-b"));
    }

    @Test
    void aKeyStoredPerKeyAndDeletedStaysDeleted() {
        store.put("user|alice", "old-a".getBytes());
        StateJournal<String> journal = journal();
        journal.delete("user|alice");
        journal.commit();

        assertThat(journal().all()).isEmpty();
        assertThat(store.get("user|alice")).isNull();
    }

    @Test
    void theStoreStaysAboutTheSizeOfTheStatesItHolds() {
        StateJournal<String> journal = journal();
        for (int commit = 0; commit < 5_000; commit++) {
            // a few long-lived keys changed now and then, many short-lived ones
            if (commit % 100 == 0) {
                journal.put("steady" + (commit / 100) % 5, "v" + commit);
            }
            journal.put("brief" + commit, "v");
            journal.delete("brief" + (commit - 3));
            journal.commit();
        }
        long listed = 0;
        for (KeyValue<String, byte[]> entry : entries()) {
            listed += StateJournal.read(entry.value).size();
        }
        assertThat(journal.size()).isEqualTo(8);
        assertThat(listed).isLessThanOrEqualTo(2L * journal.size() + StateJournal.CHUNK + 2);
        assertThat(journal.entries()).isLessThan(StateJournal.CHUNK + 20);
        assertThat(asMap(journal().all())).isEqualTo(asMap(journal.all()));
    }

    @Test
    void aCommitOfManyLargeStatesIsSplitIntoEntriesUnderTheChunkSize() {
        StateJournal<String> journal = journal();
        String large = "x".repeat(10_000);
        for (int i = 0; i < 100; i++) {
            journal.put("k" + i, large + i);
        }
        journal.commit();

        assertThat(entries()).hasSizeGreaterThan(1)
                .allMatch(entry -> entry.value.length < StateJournal.CHUNK_BYTES + 20_000);
        assertThat(journal().all()).hasSize(100);
    }

    private StateJournal<String> journal() {
        StateJournal<String> journal = new StateJournal<>(store, Serdes.String());
        journal.load();
        return journal;
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        entriesAndOwn().forEach(entry -> keys.add(entry.key));
        return keys;
    }

    private List<KeyValue<String, byte[]>> entries() {
        return entriesAndOwn().stream().filter(entry -> Journal.isEntry(entry.key)).toList();
    }

    private List<KeyValue<String, byte[]>> entriesAndOwn() {
        List<KeyValue<String, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    private static Map<String, String> asMap(List<KeyValue<String, String>> all) {
        Map<String, String> map = new TreeMap<>();
        all.forEach(entry -> map.put(entry.key, entry.value));
        return map;
    }
}
