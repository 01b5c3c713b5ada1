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
 * first use) and the commands sent from it that named instances ({@link InstanceCredentialFacts}); {@code
 * anchoredBy}, instances whose own address it is (at most two: the earliest to become so), each with, in {@code anchoredSince} (same order),
 * the moment it became so: the earliest first call from it since the instance's last reset that made it the
 * instance's own ({@link Long#MIN_VALUE}, long ago, for state written before the moment was kept); {@code users}, in
 * state written by earlier versions, the instances that used it (read as established long ago, no longer written).
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
                   long lastSeen, long dueAt, List<Long> anchoredSince, List<Origin> taints)
        implements WindowState<OriginState> {

    /** The most other addresses kept per instance: more than a few is an alert already. */
    static final int MAX_OTHERS = 16;
    /** The most instances kept per address whose own address it is. */
    static final int MAX_OWNERS = 2;

    static final OriginState EMPTY = new OriginState(null, List.of(), List.of(), List.of(), Long.MIN_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE, List.of(), List.of());

    OriginState {
        others = List.copyOf(others);
        users = List.copyOf(users);
        anchoredBy = List.copyOf(anchoredBy);
        anchoredSince = since(anchoredBy, anchoredSince);
        taints = taints == null ? List.of() : List.copyOf(taints);
    }

    /** State as versions before the moments were kept wrote it: every owner of the address one since long ago. */
    OriginState(Origin anchor, List<Origin> others, List<String> users, List<String> anchoredBy, long resetAt,
                long lastSeen, long dueAt) {
        this(anchor, others, users, anchoredBy, resetAt, lastSeen, dueAt, null, null);
    }

    /** One moment per owner: the kept ones, {@link Long#MIN_VALUE} (long ago) for any missing. */
    private static List<Long> since(List<String> owners, List<Long> moments) {
        if (moments != null && moments.size() == owners.size()) {
            return List.copyOf(moments);
        }
        List<Long> all = new ArrayList<>(owners.size());
        for (int i = 0; i < owners.size(); i++) {
            all.add(moments != null && i < moments.size() && moments.get(i) != null ? moments.get(i)
                    : Long.MIN_VALUE);
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
        return new OriginState(anchor, others, users, anchoredBy, resetAt, lastSeen, time, anchoredSince, taints);
    }

    OriginState withAnchor(Origin origin) {
        return new OriginState(origin, others, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, taints);
    }

    OriginState withOthers(List<Origin> all) {
        return new OriginState(anchor, all, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, taints);
    }

    OriginState seen(long time) {
        return new OriginState(anchor, others, users, anchoredBy, resetAt, Math.max(lastSeen, time), dueAt,
                anchoredSince, taints);
    }

    OriginState reset(long time) {
        return new OriginState(anchor != null && anchor.first() < time ? null : anchor, others, users, anchoredBy,
                Math.max(resetAt, time), Math.max(lastSeen, time), dueAt, anchoredSince, taints);
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
     * An address's state with one more instance whose own address it is since {@code since}; for one already there,
     * the earlier of the two moments. Of more than {@value #MAX_OWNERS}, those that became owners earliest are kept
     * (then by instance id), so which ones are kept depends on the input, not on the order it arrived in.
     */
    OriginState ownOf(String instance, long since) {
        int i = anchoredBy.indexOf(instance);
        if (i >= 0 && anchoredSince.get(i) <= since) {
            return this;
        }
        List<Integer> order = new ArrayList<>();
        List<String> owners = new ArrayList<>(anchoredBy);
        List<Long> moments = new ArrayList<>(anchoredSince);
        if (i >= 0) {
            moments.set(i, since);
        } else {
            owners.add(instance);
            moments.add(since);
        }
        for (int k = 0; k < owners.size(); k++) {
            order.add(k);
        }
        order.sort(Comparator.<Integer>comparingLong(moments::get).thenComparing(owners::get));
        List<String> keptOwners = new ArrayList<>(MAX_OWNERS);
        List<Long> keptMoments = new ArrayList<>(MAX_OWNERS);
        for (int k : order.subList(0, Math.min(MAX_OWNERS, order.size()))) {
            keptOwners.add(owners.get(k));
            keptMoments.add(moments.get(k));
        }
        if (keptOwners.equals(anchoredBy) && keptMoments.equals(anchoredSince)) {
            return this;
        }
        return new OriginState(anchor, others, users, keptOwners, resetAt, lastSeen, dueAt, keptMoments, taints);
    }

    OriginState notOwnOf(String instance) {
        int i = anchoredBy.indexOf(instance);
        if (i < 0) {
            return this;
        }
        List<String> owners = new ArrayList<>(anchoredBy);
        List<Long> moments = new ArrayList<>(anchoredSince);
        owners.remove(i);
        moments.remove(i);
        return new OriginState(anchor, others, users, owners, resetAt, lastSeen, dueAt, moments, taints);
    }

    /** The instances whose own address this was at {@code upTo} and before {@code before}. */
    List<String> ownersAt(long upTo, long before) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < anchoredBy.size(); i++) {
            long since = anchoredSince.get(i);
            if (since <= upTo && since < before) {
                found.add(anchoredBy.get(i));
            }
        }
        return found;
    }

    OriginState withTaints(List<Origin> all) {
        return new OriginState(anchor, others, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, all);
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
