package dev.trailwatch.detector.detect.burst;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two adjacent buckets of one principal's distinct calls, seen as one window {@code [start, start + 2 * bucket)}.
 * Calls are sorted, so that the alert reads the same whatever the order the events came in.
 *
 * @param entity the principal's key ({@code account|principal})
 */
record CallPair(String entity, long start, long end, List<String> calls, List<String> denied, List<String> eventIds,
                long first, long last) {

    static CallPair of(String entity, long start, long bucket, Optional<CallBucket> a, Optional<CallBucket> b) {
        Map<String, String> calls = new TreeMap<>();
        Set<String> denied = new TreeSet<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Optional<CallBucket> part : List.of(a, b)) {
            if (part.isEmpty()) {
                continue;
            }
            CallBucket c = part.get();
            for (int i = 0; i < c.calls().size(); i++) {
                calls.putIfAbsent(c.calls().get(i), c.eventIds().get(i));
            }
            denied.addAll(c.denied());
            first = Math.min(first, c.first());
            last = Math.max(last, c.last());
        }
        List<String> ids = calls.values().stream().limit(100).toList();
        return new CallPair(entity, start, start + 2 * bucket, List.copyOf(calls.keySet()), List.copyOf(denied), ids, first,
                last);
    }

    /** Distinct services (event sources) among the calls. */
    int services() {
        return (int) calls.stream().map(c -> c.substring(0, c.indexOf(':'))).distinct().count();
    }

    /** The principal part of the entity. */
    String principal() {
        return entity.substring(entity.indexOf('|') + 1);
    }
}
