package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * What instance-credential-exfiltration keeps, under two kinds of key in one store.
 *
 * <p>Per instance ({@code i|account|instanceId}): {@code anchor}, the earliest address its credentials were used from
 * since the instance last started or changed its public address ({@code resetAt}), which is the instance's own; and
 * {@code others}, the other addresses, each waiting for or past its decision.
 *
 * <p>Per address ({@code o|account|address}): in {@code others}, the instances that used it (with the time of their
 * first use) and the commands sent from it that named instances ({@link InstanceCredentialFacts}); {@code
 * anchoredBy}, instances whose own address it is (at most two); {@code users}, in state written by earlier versions,
 * the instances that used it (read as established long ago, no longer written).
 *
 * @param lastSeen event time of the latest new fact; the key is forgotten a retention after it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record OriginState(Origin anchor, List<Origin> others, List<String> users, List<String> anchoredBy, long resetAt,
                   long lastSeen, long dueAt) implements WindowState<OriginState> {

    /** The most other addresses kept per instance: more than a few is an alert already. */
    static final int MAX_OTHERS = 16;

    static final OriginState EMPTY = new OriginState(null, List.of(), List.of(), List.of(), Long.MIN_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE);

    OriginState {
        others = List.copyOf(others);
        users = List.copyOf(users);
        anchoredBy = List.copyOf(anchoredBy);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return anchor == null && others.isEmpty() && users.isEmpty() && anchoredBy.isEmpty()
                && resetAt == Long.MIN_VALUE;
    }

    @Override
    public OriginState withDueAt(long time) {
        return new OriginState(anchor, others, users, anchoredBy, resetAt, lastSeen, time);
    }

    OriginState withAnchor(Origin origin) {
        return new OriginState(origin, others, users, anchoredBy, resetAt, lastSeen, dueAt);
    }

    OriginState withOthers(List<Origin> all) {
        return new OriginState(anchor, all, users, anchoredBy, resetAt, lastSeen, dueAt);
    }

    OriginState seen(long time) {
        return new OriginState(anchor, others, users, anchoredBy, resetAt, Math.max(lastSeen, time), dueAt);
    }

    OriginState reset(long time) {
        return new OriginState(anchor != null && anchor.first() < time ? null : anchor, others, users, anchoredBy,
                Math.max(resetAt, time), Math.max(lastSeen, time), dueAt);
    }

    int otherIndex(String name) {
        for (int i = 0; i < others.size(); i++) {
            if (others.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** With the origin among the others (merged into an existing one: earliest call wins). */
    OriginState withOther(Origin origin) {
        List<Origin> all = new ArrayList<>(others);
        int i = otherIndex(origin.name());
        if (i >= 0) {
            all.set(i, all.get(i).earlier(origin.first(), origin.eventId(), origin.call()));
        } else if (all.size() < MAX_OTHERS) {
            all.add(origin);
        }
        return withOthers(all);
    }

    OriginState withoutOther(String name) {
        return withOthers(others.stream().filter(o -> !o.name().equals(name)).toList());
    }

    /** An address's state with one more instance whose own address it is (at most two kept). */
    OriginState ownOf(String instance) {
        return new OriginState(anchor, others, users, add(anchoredBy, instance, 2), resetAt, lastSeen, dueAt);
    }

    OriginState notOwnOf(String instance) {
        return new OriginState(anchor, others, users, anchoredBy.stream().filter(i -> !i.equals(instance)).toList(),
                resetAt, lastSeen, dueAt);
    }

    private static List<String> add(List<String> list, String value, int cap) {
        if (list.contains(value) || list.size() >= cap) {
            return list;
        }
        List<String> all = new ArrayList<>(list);
        all.add(value);
        return all;
    }
}
