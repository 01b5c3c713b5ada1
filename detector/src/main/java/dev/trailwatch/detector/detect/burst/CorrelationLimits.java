package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.kit.AlertIds;

/**
 * The limits of console-bruteforce-success, in millis: what a burst is ({@code threshold} failures in one
 * {@code window} aligned to the epoch), how long after its window a login still follows it, and the grace for late
 * events; and the event times these make a window or a login matter until.
 */
record CorrelationLimits(int threshold, long window, long within, long grace) {

    /** The start of the failure window holding this time. */
    long windowStart(long time) {
        return AlertIds.windowStart(time, window);
    }

    /** Event time from which the window starting at {@code start} takes no more failures. */
    long failuresUntil(long start) {
        return start + window + grace;
    }

    /** Event time from which the burst starting at {@code start} takes no more logins: its follow-ups go out. */
    long loginsUntil(long start) {
        return start + window + within + grace;
    }

    /**
     * Event time from which a login at {@code time} is no longer needed: every window it could follow (starting at or
     * before it) takes no more failures, so none can still become a burst it follows.
     */
    long loginKeptUntil(long time) {
        return failuresUntil(windowStart(time));
    }

    /** A failure at {@code time} is late at this event time: its window takes no more. */
    long failureLateAt(long time) {
        return failuresUntil(windowStart(time));
    }

    /** A login at {@code time} is late at this event time: no burst it could follow still takes logins. */
    long loginLateAt(long time) {
        return loginsUntil(windowStart(time));
    }

    /** How long behind event time an event id is remembered: as long as a copy of it would still count. */
    long seenReach() {
        return window + within + grace;
    }
}
