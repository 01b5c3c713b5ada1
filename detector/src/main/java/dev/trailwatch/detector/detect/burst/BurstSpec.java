package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One key space of a burst detection: what it is keyed by, what it counts, when a window of events is a burst, and
 * how the alert reads. Windows of length {@code window} are aligned to the epoch (see {@link BurstCounter}).
 *
 * @param ruleId      the detection id, the alerts' {@code ruleId}
 * @param space       the key space within the detection, e.g. {@code by-ip}; names the processor and its stores
 * @param window      the windows' length
 * @param grace       how long after a window's end its events are still counted
 * @param minEvents   events a window must hold to be a burst
 * @param minDistinct distinct tokens a window must hold to be a burst (1 when only the count matters)
 * @param key         the entity the events are counted for (the stream is already keyed so one entity's events
 *                    share a partition)
 * @param token       what the burst lists in its evidence and counts distinct values of (the first one when an
 *                    event has several; an ordered spec judges the order on it)
 * @param order       tokens that must appear in this order of event time within the window (a Sigma
 *                    {@code temporal_ordered} correlation); empty when order does not matter
 * @param more        the event's tokens after {@code token}, for an event that counts as several (a call that reads
 *                    many secrets at once), at most {@link #MAX_MORE}; null when every event has one token
 * @param distinctBy  the part of a token that {@code minDistinct} counts distinct values of, for a token that
 *                    carries more than what is counted (bedrock-region-sweep's {@code region|model|error} counts
 *                    regions); null when the whole token counts
 */
record BurstSpec(String ruleId, String space, Duration window, Duration grace, int minEvents, int minDistinct,
                 Function<CloudTrailEvent, String> key, Function<CloudTrailEvent, String> token, Wording wording,
                 List<String> order, Function<CloudTrailEvent, List<String>> more,
                 Function<String, String> distinctBy) {

    /** The most events an ordered spec's window keeps to judge the order on. */
    static final int MAX_ORDERED = 500;

    /**
     * The most further tokens one event adds, so that a record claiming more names than any AWS batch call takes
     * (BatchGetSecretValue's 20 is the largest; GetParameters takes 10) cannot fill a window's token list alone.
     */
    static final int MAX_MORE = 19;

    BurstSpec {
        order = List.copyOf(order);
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException(ruleId + ": a burst window must be positive, got " + window);
        }
        if (more != null && !order.isEmpty()) {
            throw new IllegalArgumentException(ruleId + ": an ordered burst judges one token per event");
        }
    }

    /** A burst whose distinct tokens count whole. */
    BurstSpec(String ruleId, String space, Duration window, Duration grace, int minEvents, int minDistinct,
              Function<CloudTrailEvent, String> key, Function<CloudTrailEvent, String> token, Wording wording,
              List<String> order, Function<CloudTrailEvent, List<String>> more) {
        this(ruleId, space, window, grace, minEvents, minDistinct, key, token, wording, order, more, null);
    }

    /** A burst whose events have one token each, which must appear in {@code order} (empty: any order). */
    BurstSpec(String ruleId, String space, Duration window, Duration grace, int minEvents, int minDistinct,
              Function<CloudTrailEvent, String> key, Function<CloudTrailEvent, String> token, Wording wording,
              List<String> order) {
        this(ruleId, space, window, grace, minEvents, minDistinct, key, token, wording, order, null, null);
    }

    /** A burst whose tokens may come in any order. */
    BurstSpec(String ruleId, String space, Duration window, Duration grace, int minEvents, int minDistinct,
              Function<CloudTrailEvent, String> key, Function<CloudTrailEvent, String> token, Wording wording) {
        this(ruleId, space, window, grace, minEvents, minDistinct, key, token, wording, List.of(), null, null);
    }

    /** The event's tokens after its first (none for a spec whose events have one), at most {@link #MAX_MORE}. */
    List<String> moreTokens(CloudTrailEvent event) {
        if (more == null) {
            return List.of();
        }
        List<String> tokens = more.apply(event);
        return tokens.size() <= MAX_MORE ? tokens : tokens.subList(0, MAX_MORE);
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
     * @param count  distinct events in the window
     * @param tokens distinct tokens in order of first appearance by (event time, event id), the first
     *               {@link BurstSpec#keptTokens()} when there are more
     * @param start  the window's start (aligned to the epoch)
     * @param end    the window's end, exclusive
     */
    record Tally(String entity, long count, List<String> tokens, long start, long end) {
    }

    /** The processor's name, prefix of its stores' names. */
    String name() {
        return ruleId + "-" + space;
    }

    /**
     * How many of a window's earliest events it keeps: the alert's {@code eventIds}; for an ordered spec, the events
     * whose order of event time is judged (a sequence completed only by later events of a busier window is missed,
     * the same way in every order of arrival).
     */
    int kept() {
        return order.isEmpty() ? Alert.MAX_EVENT_IDS : MAX_ORDERED;
    }

    /** How many of a window's distinct tokens it keeps (those seen first): enough to judge {@code minDistinct}. */
    int keptTokens() {
        return Math.max(OpenBurst.MAX_TOKENS, minDistinct);
    }

    /** How far behind stream time an event may be and still be counted: window plus grace. */
    long reach() {
        return window.toMillis() + grace.toMillis();
    }
}
