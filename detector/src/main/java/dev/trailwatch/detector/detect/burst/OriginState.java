package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What instance-credential-exfiltration keeps, under two kinds of key in one store; workload-credential-exfiltration
 * keeps its role sessions in the same shape, in its own store ({@link WorkloadSessionProcessor}: {@code anchor} the
 * AssumeRole that issued the session, {@code others} its addresses).
 *
 * <p>Per instance ({@code i|account|instanceId}): {@code anchor}, the earliest address its credentials were used from
 * since the instance last started or changed its public address ({@code resetAt}), which is the instance's own; and
 * {@code others}, the other addresses, each waiting for or past its decision.
 *
 * <p>Per address ({@code o|account|address}): in {@code others}, the instances that used it (with the time of their
 * first use) and the commands sent from it that named instances ({@link InstanceCredentialFacts}); the instances whose
 * own address it is or was, one ownership each in {@code anchoredBy}, {@code anchoredSince} and {@code anchoredUntil}
 * (same order, by the moment it began): when it became so, the earliest first call from it since the instance's last
 * reset that made it the instance's own ({@link Long#MIN_VALUE}, long ago, for state written before the moment was
 * kept), and when it stopped being so, the event time of the restart or new address that ended it ({@link #CURRENT}
 * while it lasts, and for state written before the end was kept). At most {@value #MAX_OWNERS} current ownerships
 * (the earliest to begin) and {@value #MAX_ENDED} ended ones (the latest to end), and an ended one only as long as a
 * decision may still ask about a moment before its end. {@code users}, in state written by earlier versions: the
 * instances that used it (read as established long ago, no longer written).
 *
 * <p>Per instance, {@code taints}: for each of its addresses whose first use was command-tainted ({@link
 * InstanceCredentialFacts}), the command, named for the address ({@code first}, {@code eventId}, {@code call}: the
 * command's), recorded when the use or the command was learned, so that commands the address no longer keeps still
 * count when the decision runs. Empty in state written before it was kept.
 *
 * @param lastSeen event time of the latest new fact; the key is forgotten a retention after it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record OriginState(Origin anchor, List<Origin> others, List<String> users, List<String> anchoredBy, long resetAt,
                   long lastSeen, long dueAt, List<Long> anchoredSince, List<Origin> taints,
                   List<Long> anchoredUntil)
        implements WindowState<OriginState> {

    /** The most other addresses kept per instance: more than a few is an alert already. */
    static final int MAX_OTHERS = 16;
    /** The most instances kept per address whose own address it is now. */
    static final int MAX_OWNERS = 2;
    /** The most ownerships kept per address that have ended; those that ended last are kept. */
    static final int MAX_ENDED = 4;
    /** The end of an ownership that has not ended. */
    static final long CURRENT = Long.MAX_VALUE;

    static final OriginState EMPTY = new OriginState(null, List.of(), List.of(), List.of(), Long.MIN_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE, List.of(), List.of(), List.of());

    OriginState {
        others = List.copyOf(others);
        users = List.copyOf(users);
        anchoredBy = List.copyOf(anchoredBy);
        anchoredSince = moments(anchoredBy, anchoredSince, Long.MIN_VALUE);
        taints = taints == null ? List.of() : List.copyOf(taints);
        anchoredUntil = moments(anchoredBy, anchoredUntil, CURRENT);
    }

    /** State as layout 2 wrote it: every owner of the address one still. */
    OriginState(Origin anchor, List<Origin> others, List<String> users, List<String> anchoredBy, long resetAt,
                long lastSeen, long dueAt, List<Long> anchoredSince, List<Origin> taints) {
        this(anchor, others, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, taints, null);
    }

    /** State as versions before the moments were kept wrote it: every owner of the address one since long ago. */
    OriginState(Origin anchor, List<Origin> others, List<String> users, List<String> anchoredBy, long resetAt,
                long lastSeen, long dueAt) {
        this(anchor, others, users, anchoredBy, resetAt, lastSeen, dueAt, null, null, null);
    }

    /** One moment per owner: the kept ones, {@code missing} for any not kept. */
    private static List<Long> moments(List<String> owners, List<Long> moments, long missing) {
        if (moments != null && moments.size() == owners.size()) {
            return List.copyOf(moments);
        }
        List<Long> all = new ArrayList<>(owners.size());
        for (int i = 0; i < owners.size(); i++) {
            all.add(moments != null && i < moments.size() && moments.get(i) != null ? moments.get(i) : missing);
        }
        return List.copyOf(all);
    }

    @Override
    @JsonIgnore
    public boolean isEmpty() {
        return anchor == null && others.isEmpty() && users.isEmpty() && anchoredBy.isEmpty()
                && resetAt == Long.MIN_VALUE;
    }

    @Override
    public OriginState withDueAt(long time) {
        return new OriginState(anchor, others, users, anchoredBy, resetAt, lastSeen, time, anchoredSince, taints,
                anchoredUntil);
    }

    OriginState withAnchor(Origin origin) {
        return new OriginState(origin, others, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, taints,
                anchoredUntil);
    }

    OriginState withOthers(List<Origin> all) {
        return new OriginState(anchor, all, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, taints,
                anchoredUntil);
    }

    OriginState seen(long time) {
        return new OriginState(anchor, others, users, anchoredBy, resetAt, Math.max(lastSeen, time), dueAt,
                anchoredSince, taints, anchoredUntil);
    }

    OriginState reset(long time) {
        return new OriginState(anchor != null && anchor.first() < time ? null : anchor, others, users, anchoredBy,
                Math.max(resetAt, time), Math.max(lastSeen, time), dueAt, anchoredSince, taints, anchoredUntil);
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

    /**
     * An address's state with one more instance whose own address it is since {@code since}; for one that is so
     * already, the earlier of the two moments. Of more than {@value #MAX_OWNERS} current owners, those that became
     * owners earliest are kept (then by instance id), so which ones are kept depends on the input, not on the order
     * it arrived in. An ended ownership of the same instance that reaches {@code since} is one with it.
     */
    OriginState ownOf(String instance, long since) {
        List<Owner> all = owners();
        long from = since;
        for (Owner o : all) {
            if (o.instance().equals(instance) && o.until() >= since) {
                if (o.current() && o.since() <= since) {
                    return this;
                }
                from = Math.min(from, o.since());
            }
        }
        long start = from;
        all.removeIf(o -> o.instance().equals(instance) && o.until() >= since);
        all.add(new Owner(instance, start, CURRENT));
        return withOwners(all);
    }

    /**
     * An address's state with the instance's ownership of it ended at {@code until}, the event time of the fact that
     * ended it (a restart, a new address): kept, so that a decision about a moment before that still counts it. An
     * ownership that ends before or when it began (an earlier call from elsewhere, a command that taints the first
     * use: by event time it never was the instance's own) is removed.
     */
    OriginState notOwnOf(String instance, long until) {
        List<Owner> all = owners();
        int i = currentOf(all, instance);
        if (i < 0) {
            return this;
        }
        Owner ended = all.remove(i);
        if (ended.since() < until) {
            all.add(new Owner(instance, ended.since(), until));
        }
        return withOwners(all);
    }

    /**
     * The state without ownerships that ended at or before {@code before}: no decision still to run can need them.
     * The same state when there are none.
     */
    OriginState withoutEndedBefore(long before) {
        List<Owner> all = owners();
        return all.removeIf(o -> o.until() <= before) ? withOwners(all) : this;
    }

    /**
     * The instances whose own address this was at some moment from {@code from} (the use being decided) to {@code
     * upTo} (the decision's own event time), having become so before {@code before}: ownership that began at or before
     * {@code upTo} and before {@code before}, and ended after {@code from}.
     */
    List<String> ownersAt(long from, long upTo, long before) {
        List<String> found = new ArrayList<>();
        for (Owner o : owners()) {
            if (o.since() <= upTo && o.since() < before && o.until() > from && !found.contains(o.instance())) {
                found.add(o.instance());
            }
        }
        return found;
    }

    /** One ownership of the address: the instance's own since {@code since}, until {@code until} ({@link #CURRENT}). */
    private record Owner(String instance, long since, long until) {
        boolean current() {
            return until == CURRENT;
        }
    }

    private List<Owner> owners() {
        List<Owner> all = new ArrayList<>(anchoredBy.size() + 1);
        for (int i = 0; i < anchoredBy.size(); i++) {
            all.add(new Owner(anchoredBy.get(i), anchoredSince.get(i), anchoredUntil.get(i)));
        }
        return all;
    }

    private static int currentOf(List<Owner> owners, String instance) {
        for (int i = 0; i < owners.size(); i++) {
            if (owners.get(i).current() && owners.get(i).instance().equals(instance)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The state with these ownerships, bounded: the {@value #MAX_OWNERS} current ones that began earliest and the
     * {@value #MAX_ENDED} ended ones that ended last, each in the order they began (then instance, then end). The same
     * state when nothing changed.
     */
    private OriginState withOwners(List<Owner> all) {
        Comparator<Owner> byStart = Comparator.comparingLong(Owner::since).thenComparing(Owner::instance)
                .thenComparingLong(Owner::until);
        List<Owner> kept = new ArrayList<>(all.stream().filter(Owner::current).sorted(byStart).limit(MAX_OWNERS)
                .toList());
        kept.addAll(all.stream().filter(o -> !o.current())
                .sorted(Comparator.comparingLong(Owner::until).reversed().thenComparing(byStart))
                .limit(MAX_ENDED).toList());
        kept.sort(byStart);
        List<String> by = kept.stream().map(Owner::instance).toList();
        List<Long> since = kept.stream().map(Owner::since).toList();
        List<Long> until = kept.stream().map(Owner::until).toList();
        if (by.equals(anchoredBy) && since.equals(anchoredSince) && until.equals(anchoredUntil)) {
            return this;
        }
        return new OriginState(anchor, others, users, by, resetAt, lastSeen, dueAt, since, taints, until);
    }

    OriginState withTaints(List<Origin> all) {
        return new OriginState(anchor, others, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, all,
                anchoredUntil);
    }

    /** The command recorded as tainting the instance's use of the address, or null. */
    Origin taintOf(String address) {
        for (Origin t : taints) {
            if (t.name().equals(address)) {
                return t;
            }
        }
        return null;
    }
}
