package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One key space of a burst detection: what it is keyed by, what it counts, when a span of events is a burst, and
 * how the alert reads.
 *
 * @param ruleId      the detection id, the alerts' {@code ruleId}
 * @param space       the key space within the detection, e.g. {@code by-ip}; names the processor and its stores
 * @param minEvents   events a window must hold to be a burst
 * @param minDistinct distinct tokens a window must hold to be a burst (1 when only the count matters)
 * @param key         the entity the events are counted for (the stream is already keyed so one entity's events
 *                    share a partition)
 * @param token       what the burst lists in its evidence and counts distinct values of
 * @param order       tokens that must appear in this order of event time within the window (a Sigma
 *                    {@code temporal_ordered} correlation); empty when order does not matter
 */
record BurstSpec(String ruleId, String space, Duration window, Duration grace, int minEvents, int minDistinct,
                 Function<CloudTrailEvent, String> key, Function<CloudTrailEvent, String> token, Wording wording,
                 List<String> order) {

    BurstSpec {
        order = List.copyOf(order);
    }

    /** A burst whose tokens may come in any order. */
    BurstSpec(String ruleId, String space, Duration window, Duration grace, int minEvents, int minDistinct,
              Function<CloudTrailEvent, String> key, Function<CloudTrailEvent, String> token, Wording wording) {
        this(ruleId, space, window, grace, minEvents, minDistinct, key, token, wording, List.of());
    }

    /** How one detection words a burst. */
    @FunctionalInterface
    interface Wording {
        Alerts.Finding finding(Tally tally);
    }

    /**
     * A burst as its alert describes it.
     *
     * @param entity the key, e.g. the source IP
     * @param tokens distinct tokens in order of arrival (at most {@link OpenBurst#MAX_TOKENS})
     */
    record Tally(String entity, long count, List<String> tokens, long start, long end) {
    }

    /**
     * True when a burst is defined by its distinct tokens alone (at least as many distinct tokens as events are
     * required, in any order): repeats of a token then only matter as far as they change which windows hold it, and
     * the pending list keeps just those ({@link Entry#thinned}).
     */
    boolean countsDistinctOnly() {
        return minDistinct > 1 && minEvents <= minDistinct && order.isEmpty();
    }

    /** The processor's name, prefix of its stores' names. */
    String name() {
        return ruleId + "-" + space;
    }

    /**
     * The most events a key keeps while no burst has formed. Counting alone never gets there (each window holds
     * fewer than {@code minEvents}); a flood of repeats of a few tokens can, when distinct tokens are what count, and
     * then the oldest go first.
     */
    int maxPending() {
        return Math.max(500, minEvents * (int) Math.min(1000, reach() / window.toMillis() + 2));
    }

    /** How far behind stream time an event may be and still be counted: window plus grace. */
    long reach() {
        return window.toMillis() + grace.toMillis();
    }
}
