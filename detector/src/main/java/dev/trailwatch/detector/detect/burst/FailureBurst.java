package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The failed console logins from one IP in one window of {@code burst.failed-login.window}, aligned to the epoch as
 * failed-console-login-burst aligns its windows ({@code AlertIds.windowStart}): a burst once it holds the threshold.
 * Kept while failures of it can still arrive and, once a burst, until its correlation window has closed, with the
 * successful logins that followed it (one {@link Correlation} per identity that got in). Everything in it is a
 * function of the failures and logins, not of the order they arrived in.
 *
 * @param start   the aligned window's start: with the IP it names the failed-console-login-burst alert
 * @param end     {@code start + window}
 * @param count   distinct failures in the window
 * @param targets distinct {@code account/user} names the failures were for, sorted, the first
 *                {@link OpenBurst#MAX_TOKENS}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record FailureBurst(long start, long end, long count, List<String> targets, List<Correlation> correlations) {

    FailureBurst {
        targets = targets == null ? List.of() : List.copyOf(targets);
        // State written before windows were aligned has correlations without an alert id: they cannot be updated.
        correlations = correlations == null ? List.of()
                : correlations.stream().filter(c -> c.alertId() != null).toList();
    }

    /** The window of {@code window} millis starting at {@code start}, no failure in it yet. */
    static FailureBurst open(long start, long window) {
        return new FailureBurst(start, start + window, 0, List.of(), List.of());
    }

    boolean isBurst(int threshold) {
        return count >= threshold;
    }

    /** True when a login at this time followed the burst closely enough: from its start to {@code within} after. */
    boolean isFollowedBy(long loginTime, long within) {
        return loginTime >= start && loginTime < end + within;
    }

    /** One more failure, for this {@code account/user}. */
    FailureBurst plus(String target) {
        List<String> all = targets;
        int at = Collections.binarySearch(targets, target);
        if (at < 0 && -at - 1 < OpenBurst.MAX_TOKENS) {
            all = new ArrayList<>(targets);
            all.add(-at - 1, target);
            if (all.size() > OpenBurst.MAX_TOKENS) {
                all.remove(all.size() - 1);
            }
        }
        return new FailureBurst(start, end, count + 1, all, correlations);
    }

    Correlation correlationOf(String identity) {
        return correlations.stream().filter(c -> c.identity().equals(identity)).findFirst().orElse(null);
    }

    FailureBurst with(Correlation correlation) {
        List<Correlation> all = new ArrayList<>(correlations);
        int at = all.indexOf(correlationOf(correlation.identity()));
        if (at >= 0) {
            all.set(at, correlation);
        } else {
            all.add(correlation);
        }
        return new FailureBurst(start, end, count, targets, all);
    }

    FailureBurst withEach(UnaryOperator<Correlation> change) {
        return new FailureBurst(start, end, count, targets, correlations.stream().map(change).toList());
    }
}
