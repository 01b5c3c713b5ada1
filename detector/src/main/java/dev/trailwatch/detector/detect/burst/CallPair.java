package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Two adjacent buckets of one principal's distinct calls, seen as one window {@code [start, start + 2 * bucket)}.
 * Everything in it is a function of the two buckets' contents, not of the order events came in: calls sorted by name,
 * each with its earliest occurrence, the event ids of the first {@link Alert#MAX_EVENT_IDS} occurrences by (event
 * time, event id).
 *
 * @param entity   the principal's key ({@code account|principal})
 * @param eventIds one event per distinct call (its earliest occurrence), in order of occurrence
 * @param first    event time of the earliest occurrence
 * @param last     event time of the latest first occurrence of a call (when the last distinct call came)
 */
record CallPair(String entity, long start, long end, List<String> calls, List<String> denied, List<String> eventIds,
                int services, long first, long last) {

    static CallPair of(String entity, long start, long bucket, CallBucket a, CallBucket b) {
        Map<String, CallBucket.Call> earliest = new TreeMap<>();
        Set<String> denied = new TreeSet<>();
        for (CallBucket part : List.of(a, b)) {
            for (CallBucket.Call call : part.calls()) {
                String label = call.label();
                earliest.merge(label, call, (x, y) -> CallBucket.Call.OCCURRENCE.compare(x, y) <= 0 ? x : y);
                if (call.denied()) {
                    denied.add(label);
                }
            }
        }
        List<CallBucket.Call> byOccurrence = new ArrayList<>(earliest.values());
        byOccurrence.sort(CallBucket.Call.OCCURRENCE);
        Set<String> sources = new HashSet<>();
        byOccurrence.forEach(c -> sources.add(c.source()));
        List<String> ids = byOccurrence.stream().limit(Alert.MAX_EVENT_IDS).map(CallBucket.Call::eventId).toList();
        long first = byOccurrence.isEmpty() ? start : byOccurrence.get(0).time();
        long last = byOccurrence.isEmpty() ? start : byOccurrence.get(byOccurrence.size() - 1).time();
        return new CallPair(entity, start, start + 2 * bucket, List.copyOf(earliest.keySet()), List.copyOf(denied),
                ids, sources.size(), first, last);
    }

    /**
     * Distinct calls in two buckets at most: enough to rule a pair out before building it (most principals make a
     * few calls per bucket, far below any threshold).
     */
    static int atMost(CallBucket a, CallBucket b) {
        return a.size() + b.size();
    }

    /** The principal part of the entity. */
    String principal() {
        return entity.substring(entity.indexOf('|') + 1);
    }

    /** Identifies what an alert on this pair says: an alert sent on an earlier content is outdated when it differs. */
    long digest() {
        return Objects.hash(calls, denied, eventIds, first, last);
    }
}
