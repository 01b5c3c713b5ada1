package dev.trailwatch.detector.detect;

import dev.trailwatch.detector.model.CloudTrailEvent;
import org.apache.kafka.streams.kstream.KStream;

/**
 * A family of detections that share stages (a repartition, a store, a processor): the watch list, the bursts, the
 * per-account baselines, the silences. It reads the parsed event stream (keyed by {@code recipientAccountId}), builds
 * its shared stages once, and returns everything it produces as one value; the topology wires that value to sinks.
 *
 * <p>A detection keyed by something other than the account filters first and repartitions only the events it needs,
 * through an explicitly named topic; every store and operator it adds is named after its detection id.
 */
public interface DetectionFamily {

    Detections build(KStream<String, CloudTrailEvent> events);
}
