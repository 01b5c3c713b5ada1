package dev.trailwatch.detector.detect;

import dev.trailwatch.detector.detect.kit.EventRouter;

/**
 * A family of detections that share stages (a repartition, a store, a processor): the watch list, the bursts, the
 * per-account baselines, the silences. It reads the parsed events (keyed by {@code recipientAccountId}) through the
 * {@link EventRouter}, attaching each detection's first step with the typed-field predicate that says which events it
 * needs, builds its shared stages once, and returns everything it produces as one value; the topology wires that
 * value to sinks.
 *
 * <p>A detection keyed by something other than the account takes only the events it needs and repartitions them
 * through an explicitly named topic; every store and operator it adds is named after its detection id.
 */
public interface DetectionFamily {

    Detections build(EventRouter events);
}
