package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The evidence every burst alert carries, and a short list for descriptions. */
final class BurstEvidence {

    private BurstEvidence() {
    }

    /**
     * {@code keyedBy} names the key space ({@code sourceIp}, {@code userName}, {@code principal}) and holds the
     * entity; {@code counted} names what the count is ({@code failures}, {@code errors}).
     */
    static Map<String, Object> of(String keyedBy, String counted, BurstSpec.Tally tally, int threshold,
                                  Duration window) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("keyedBy", keyedBy);
        evidence.put(keyedBy, tally.entity());
        evidence.put(counted, tally.count());
        evidence.put("threshold", threshold);
        evidence.put("window", Durations.format(window));
        evidence.put("windowStart", Instant.ofEpochMilli(tally.start()).toString());
        evidence.put("windowEnd", Instant.ofEpochMilli(tally.end()).toString());
        return evidence;
    }

    /** The first five values, comma-separated, for a readable description; the evidence lists them all. */
    static String head(List<String> values) {
        String shown = String.join(", ", values.size() <= 5 ? values : values.subList(0, 5));
        return values.size() <= 5 ? shown : shown + ", ...";
    }
}
