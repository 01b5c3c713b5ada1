package dev.trailwatch.benchmarks;

import java.util.List;

/**
 * Hands out the items of a list in turn, round and round, so that a benchmark sees a realistic mix of records
 * rather than one record the JIT can specialize for.
 */
final class Cycle<T> {

    private final List<T> items;
    private int next;

    Cycle(List<T> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("nothing to cycle through");
        }
        this.items = List.copyOf(items);
    }

    T next() {
        T item = items.get(next);
        if (++next == items.size()) {
            next = 0;
        }
        return item;
    }
}
