package dev.trailwatch.detector.detect.kit;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic alert ids: the same rule, entity and window always give the same id, so replays re-emit it. */
public final class AlertIds {

    private AlertIds() {
    }

    /** A name-based UUID of the rule id, the entity parts and the window start (epoch millis). */
    public static String of(String ruleId, String entity, long windowStart) {
        String name = ruleId + '|' + entity + '|' + windowStart;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The start of the window of this length that holds {@code time}, windows aligned to multiples of their length
     * since the epoch (UTC). Every instance, partition count and arrival order agrees on it, so an alert id built on
     * it does not depend on which event of the window arrived first.
     */
    public static long windowStart(long time, long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + windowMillis + " ms");
        }
        return Math.floorDiv(time, windowMillis) * windowMillis;
    }
}
