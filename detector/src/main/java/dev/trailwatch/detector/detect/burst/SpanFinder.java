package dev.trailwatch.detector.detect.burst;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a burst among waiting entries: a span {@code [start, start + window)} that holds at least {@code minEvents}
 * entries with at least {@code minDistinct} distinct tokens.
 *
 * <p>Only spans that contain the entry just added are tried: before it arrived no span qualified (a qualifying one
 * would have become a burst and left the list), so only spans it belongs to can qualify now. Of those, the one that
 * starts earliest wins, so a burst begins at its first event. Two pointers over the time-sorted list: linear.
 */
final class SpanFinder {

    /** Entries {@code [from, to)} of the sorted list form the burst. */
    record Span(int from, int to) {
    }

    private SpanFinder() {
    }

    static Optional<Span> find(List<Entry> sorted, long added, long window, int minEvents, int minDistinct) {
        Map<String, Integer> tokens = new HashMap<>();
        int to = 0;
        for (int from = 0; from < sorted.size(); from++) {
            long start = sorted.get(from).time();
            if (start > added) {
                break;
            }
            while (to < sorted.size() && sorted.get(to).time() < start + window) {
                tokens.merge(sorted.get(to).token(), 1, Integer::sum);
                to++;
            }
            if (added < start + window && to - from >= minEvents && tokens.size() >= minDistinct) {
                return Optional.of(new Span(from, to));
            }
            tokens.computeIfPresent(sorted.get(from).token(), (token, n) -> n == 1 ? null : n - 1);
        }
        return Optional.empty();
    }

    /**
     * Like {@link #find}, for tokens that must appear in the given order of event time: the earliest span
     * {@code [start, start + window)} that starts with the first token and holds the others after it, in order (other
     * entries may come between). The span ends at the entry that completes the sequence.
     */
    static Optional<Span> findOrdered(List<Entry> sorted, long added, long window, List<String> order) {
        for (int from = 0; from < sorted.size(); from++) {
            long start = sorted.get(from).time();
            if (start > added) {
                break;
            }
            if (added >= start + window || !sorted.get(from).token().equals(order.get(0))) {
                continue;
            }
            int next = 1;
            for (int to = from + 1; to < sorted.size() && sorted.get(to).time() < start + window
                    && next < order.size(); to++) {
                if (sorted.get(to).token().equals(order.get(next))) {
                    next++;
                    if (next == order.size()) {
                        return Optional.of(new Span(from, to + 1));
                    }
                }
            }
            if (order.size() == 1) {
                return Optional.of(new Span(from, from + 1));
            }
        }
        return Optional.empty();
    }
}
