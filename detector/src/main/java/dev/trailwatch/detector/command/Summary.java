package dev.trailwatch.detector.command;

import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The reasons behind a run's rejected count, as the summary line shows them: {@code " (late 3, unreadable 1)"}. */
final class Summary {

    private Summary() {
    }

    static String breakdown(long unreadable, TrailWatchMetrics metrics) {
        Map<String, Long> reasons = new TreeMap<>(metrics.eventsRejectedByReason());
        if (unreadable > 0) {
            reasons.put("unreadable", unreadable);
        }
        if (reasons.isEmpty()) {
            return "";
        }
        return reasons.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
    }
}
