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
}
