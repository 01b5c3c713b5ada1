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
 * <p>Per address ({@code o|account|address}): {@code users}, instances whose credentials were used from it (at most
 * as many as make it shared), {@code anchoredBy}, instances whose own address it is (at most two), and in {@code
 * others} the calls from it by principals that are no instance which reached into instances ({@code SendCommand},
 * {@code StartSession}, ...: {@link #commanded}), all decided.
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

    /** The instance's state without an own address (it was found to be an outsider's: see the processor). */
    OriginState withoutAnchor() {
        return new OriginState(null, others, users, anchoredBy, resetAt, lastSeen, dueAt);
    }

    /**
     * An address's state with one more call from it that reached into instances. Per aligned {@code window} of event
     * time only the earliest and the latest such call are kept, the latest 8 windows' worth: enough to tell, exactly
     * and in any order of arrival, whether one fell within a window before a given time ({@link #commandWithin}).
     */
    OriginState commanded(Origin command, long window) {
        long bucket = Math.floorDiv(command.first(), window);
        List<Origin> all = new ArrayList<>();
        Origin earliest = command;
        Origin latest = command;
        for (Origin o : others) {
            if (Math.floorDiv(o.first(), window) != bucket) {
                all.add(o);
            } else {
                earliest = before(o, earliest) ? o : earliest;
                latest = before(latest, o) ? o : latest;
            }
        }
        all.add(earliest);
        if (latest != earliest) {
            all.add(latest);
        }
        all.sort((a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0);
        while (all.size() > MAX_OTHERS) {
            all.remove(0);
        }
        return withOthers(all);
    }

    /** The earliest call kept by {@link #commanded} at or between {@code from} and {@code to}, or null. */
    Origin commandWithin(long from, long to) {
        return others.stream().filter(o -> o.first() >= from && o.first() <= to).findFirst().orElse(null);
    }

    private static boolean before(Origin a, Origin b) {
        return a.first() < b.first() || a.first() == b.first() && a.eventId().compareTo(b.eventId()) < 0;
    }

    OriginState withoutOther(String name) {
        return withOthers(others.stream().filter(o -> !o.name().equals(name)).toList());
    }

    /** An address's state with one more instance using it (or having it as its own), capped. */
    OriginState usedBy(String instance, boolean own, int cap) {
        List<String> u = add(users, instance, cap);
        List<String> a = own ? add(anchoredBy, instance, 2) : anchoredBy;
        return new OriginState(anchor, others, u, a, resetAt, lastSeen, dueAt);
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
