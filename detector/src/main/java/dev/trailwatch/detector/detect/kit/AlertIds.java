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
}
