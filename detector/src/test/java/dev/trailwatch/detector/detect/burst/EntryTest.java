package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Thinning a distinct-count burst's waiting entries keeps every window's distinct tokens, whatever the order. */
class EntryTest {

    private static final long WINDOW = 600_000;

    @Test
    void aTokenRepeatedWithinItsSliceKeepsItsFirstAndLastEntry() {
        List<Entry> pending = List.of();
        for (int i = 0; i < 1_000; i++) {
            pending = add(pending, new Entry(i * 100L, "e" + i, "secret:prod/db"));
        }

        assertThat(pending).extracting(Entry::eventId).containsExactly("e0", "e999");
    }

    @Test
    void everyWindowHoldsTheSameDistinctTokensAsWithoutThinning() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Entry> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                all.add(new Entry(random.nextInt(3 * (int) WINDOW), "e" + i, "t" + random.nextInt(6)));
            }
            List<Entry> full = List.of();
            List<Entry> thinned = List.of();
            for (Entry entry : all) {
                full = Entry.insert(full, entry);
                thinned = add(thinned, entry);
            }
            for (long start = -WINDOW; start < 3 * WINDOW; start += 7_919) {
                assertThat(tokensIn(thinned, start)).as("window at %d", start).isEqualTo(tokensIn(full, start));
            }
        }
    }

    @Test
    void whatIsKeptDoesNotDependOnArrivalOrder() {
        Random random = new Random(11);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            entries.add(new Entry(random.nextInt(2 * (int) WINDOW), "e" + i, "t" + random.nextInt(3)));
        }
        List<Entry> sorted = thin(entries);
        for (int shuffle = 0; shuffle < 50; shuffle++) {
            Collections.shuffle(entries, random);
            assertThat(thin(entries)).isEqualTo(sorted);
        }
    }

    private static List<Entry> thin(List<Entry> arrivals) {
        List<Entry> pending = List.of();
        for (Entry entry : arrivals) {
            pending = add(pending, entry);
        }
        return pending;
    }

    private static List<Entry> add(List<Entry> pending, Entry entry) {
        return Entry.thinned(Entry.insert(pending, entry), entry, WINDOW);
    }

    private static Set<String> tokensIn(List<Entry> entries, long start) {
        return entries.stream().filter(e -> e.time() >= start && e.time() < start + WINDOW).map(Entry::token)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
