package dev.trailwatch.detector.detect.burst;

/**
 * The limits of console-bruteforce-success, in millis: what a burst is ({@code threshold} failures within
 * {@code window}), how long after its window a login still follows it, and the grace for late events.
 */
record CorrelationLimits(int threshold, long window, long within, long grace) {

    /** A failure older than stream time minus this can no longer join an open burst window. */
    long failureReach() {
        return window + grace;
    }

    /** A login older than stream time minus this can no longer follow any burst that is still open. */
    long loginReach() {
        return window + within + grace;
    }
}
