package dev.trailwatch.detector.deadletter;

/**
 * Counts records sent to the dead-letter topic, by reason. The metrics implement it; the dead-letter code depends on
 * this and not on the metrics, so that the metrics may name {@link RejectReason}s without a package cycle.
 */
@FunctionalInterface
public interface RejectionCounter {

    void eventRejected(RejectReason reason);
}
