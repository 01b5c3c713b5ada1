package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * A failed-login burst from one IP, kept until its correlation window has closed, with the successful logins that
 * followed it (one {@link Correlation} per identity that got in).
 *
 * @param end     {@code start + window}: later failures belong to the next burst
 * @param targets distinct {@code account/user} names the failures were for, at most {@link OpenBurst#MAX_TOKENS}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record FailureBurst(long start, long end, long count, List<String> targets, List<Correlation> correlations) {

    FailureBurst {
        targets = List.copyOf(targets);
        correlations = List.copyOf(correlations);
    }

    static FailureBurst of(List<Entry> members, long window) {
        FailureBurst burst = new FailureBurst(members.get(0).time(), members.get(0).time() + window, 0, List.of(),
                List.of());
        for (Entry member : members) {
            burst = burst.plus(member);
        }
        return burst;
    }

    boolean covers(long time) {
        return time >= start && time < end;
    }

    /** True when a login at this time followed the burst closely enough: from its start to {@code within} after. */
    boolean isFollowedBy(long loginTime, long within) {
        return loginTime >= start && loginTime < end + within;
    }

    FailureBurst plus(Entry failure) {
        List<String> all = targets;
        if (all.size() < OpenBurst.MAX_TOKENS && !all.contains(failure.token())) {
            all = new ArrayList<>(targets);
            all.add(failure.token());
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
}
