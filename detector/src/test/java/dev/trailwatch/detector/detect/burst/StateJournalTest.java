package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
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
 * one per key before the journal are read and moved into it, and the store stays about the size of the states. States
 * in a compact serde are written packed (version 2); entries an earlier version wrote (version 1) still load.
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

    @Test
    void aPackedJournalOfBurstStatesHoldsWhatEachCommitHeld() {
        Random random = new Random(11);
        StateJournal<BurstState> journal = burstJournal();
        Map<String, BurstState> expected = new TreeMap<>();
        for (int commit = 0; commit < 200; commit++) {
            for (int change = 0; change < random.nextInt(30); change++) {
                String key = "111122223333|arn:aws:iam::111122223333:user/u" + random.nextInt(60);
                if (random.nextInt(5) == 0) {
                    journal.delete(key);
                    expected.remove(key);
                } else {
                    BurstState state = harvest(key, random);
                    journal.put(key, state);
                    expected.put(key, state);
                }
            }
            journal.commit();

            assertThat(asMap(burstJournal().all())).as("after commit %d", commit).isEqualTo(expected);
        }
        assertThat(entries()).isNotEmpty().allMatch(entry -> entry.value[0] == 2);
    }

    @Test
    void entriesWrittenBeforePackingStillLoad() throws IOException {
        // two commits of main d332dd9: alice, bob and carol; then bob changed and carol deleted
        versionOneEntries().forEach(store::put);
        StateJournal<BurstState> journal = burstJournal();
        BurstState sample = BurstStateCodecTest.sample();
        OpenBurst alerted = sample.windows().get(0);
        OpenBurst opening = new OpenBurst(1_700_000_700_000L, 1,
                List.of(new Entry(1_700_000_700_001L, "e9", null)), List.of(), 1_700_000_700_001L,
                1_700_000_700_001L, null, false, 0, 0);
        assertThat(asMap(journal.all())).isEqualTo(Map.of(
                "111122223333|alice", new BurstState(List.of(alerted, opening), 1_700_000_900_000L),
                "111122223333|bob", new BurstState(List.of(alerted), 1_700_000_900_000L)));

        // this version's commits go on from them: packed entries after the old ones, read together
        journal.delete("111122223333|alice");
        journal.put("111122223333|dave", new BurstState(List.of(opening), 1_700_001_300_000L));
        journal.commit();

        assertThat(entries()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(entries().get(entries().size() - 1).value[0]).isEqualTo((byte) 2);
        assertThat(asMap(burstJournal().all())).isEqualTo(Map.of(
                "111122223333|bob", new BurstState(List.of(alerted), 1_700_000_900_000L),
                "111122223333|dave", new BurstState(List.of(opening), 1_700_001_300_000L)));
    }

    @Test
    void aPackedEntryWritesTheStringsItsStatesShareOnce() {
        Random random = new Random(3);
        StateJournal<BurstState> packed = burstJournal();
        List<KeyValue<String, byte[]>> listed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String key = "111122223333|arn:aws:iam::111122223333:user/u" + i;
            BurstState state = harvest(key, random);
            packed.put(key, state);
            listed.add(KeyValue.pair(key, BurstStateCodec.SERDE.serializer().serialize("t", state)));
        }
        packed.commit();

        int packedBytes = entries().stream().mapToInt(entry -> entry.value.length).sum();
        assertThat(packedBytes).isLessThan(StateJournal.bytes(listed).length * 7 / 10);
    }

    @Test
    void aCorruptPackedEntryIsAnErrorNamingTheStore() {
        StateJournal<BurstState> journal = burstJournal();
        journal.put("111122223333|alice", BurstStateCodecTest.sample());
        journal.commit();
        byte[] entry = entries().get(0).value;
        store.put(entries().get(0).key, java.util.Arrays.copyOf(entry, entry.length - 5));

        assertThatThrownBy(this::burstJournal).isInstanceOf(SerializationException.class)
                .hasMessageContaining("state journal entry of states");
    }

    private StateJournal<String> journal() {
        StateJournal<String> journal = new StateJournal<>(store, Serdes.String());
        journal.load();
        return journal;
    }

    private StateJournal<BurstState> burstJournal() {
        StateJournal<BurstState> journal = new StateJournal<>(store, BurstStateCodec.SERDE);
        journal.load();
        return journal;
    }

    /** A harvesting principal's state as the bench makes them: a window or two of reads of a few secrets. */
    private static BurstState harvest(String key, Random random) {
        String principal = key.substring(key.indexOf('|') + 1);
        Anchor anchor = new Anchor("111122223333", "us-east-1", principal, "10.0.0." + random.nextInt(4),
                "aws-sdk-java/2.25.0", "GetSecretValue", "secretsmanager.amazonaws.com", null);
        List<OpenBurst> windows = new ArrayList<>();
        for (int w = 0; w < 1 + random.nextInt(2); w++) {
            long start = 1_700_000_400_000L + w * 600_000L;
            List<Entry> earliest = new ArrayList<>();
            List<Entry> firsts = new ArrayList<>();
            for (int e = 0; e < 1 + random.nextInt(5); e++) {
                String id = String.format("%08x-0000-4000-8000-%012x", random.nextInt(), random.nextLong() >>> 16);
                String token = "secret:arn:aws:secretsmanager:us-east-1:111122223333:resource/s" + e % 3;
                earliest.add(new Entry(start + e * 1_000L, id, null));
                if (e < 3) {
                    firsts.add(new Entry(start + e * 1_000L, id, token));
                }
            }
            windows.add(new OpenBurst(start, earliest.size(), earliest, firsts, start, start + 4_000L, anchor,
                    random.nextBoolean(), 0, random.nextInt(3) == 0 ? 1_733_400_000_123L : 0));
        }
        return new BurstState(windows, 1_700_001_500_000L);
    }

    private static Map<String, byte[]> versionOneEntries() throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (InputStream in = StateJournalTest.class.getResourceAsStream("/journal/state-journal-v1-d332dd9.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("# ")) {
                    String[] parts = line.split(" ");
                    entries.put(parts[0], Base64.getDecoder().decode(parts[1]));
                }
            }
        }
        return entries;
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

    private static <S> Map<String, S> asMap(List<KeyValue<String, S>> all) {
        Map<String, S> map = new TreeMap<>();
        all.forEach(entry -> map.put(entry.key, entry.value));
        return map;
    }
}
