package dev.trailwatch.detector.deadletter;

/**
 * Counts what the dead-letter code sees: records sent to the dead-letter topic, by reason, and writes Kafka refused.
 * The metrics implement it; the dead-letter code depends on this and not on the metrics, so that the metrics may
 * name {@link RejectReason}s without a package cycle.
 */
public interface RejectionCounter {

    void eventRejected(RejectReason reason);

    /** A write to {@code topic} that Kafka refused for good (e.g. a record too large). */
    void produceFailed(String topic);
}
