package dev.trailwatch.detector.detect;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import org.apache.kafka.streams.kstream.KStream;

/**
 * One detection: reads the parsed event stream (keyed by {@code recipientAccountId}) and returns its alerts.
 *
 * <p>A detector that keys state by something other than the account filters first and repartitions only the events it
 * needs, through an explicitly named topic; every store and operator it adds is named after its {@link #id()}.
 */
public interface Detector {

    /** The detection id: names its class, test, docs page and every store it owns. */
    String id();

    KStream<String, Alert> detect(KStream<String, CloudTrailEvent> events);

    /**
     * Whether this detection's alerts count toward the detection-latency histogram. False for a detection whose
     * alert is, by design, raised long after its last event (a silence): it would only blur the pipeline's latency.
     */
    default boolean measuresLatency() {
        return true;
    }
}
