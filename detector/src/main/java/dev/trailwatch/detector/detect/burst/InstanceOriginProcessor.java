package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Learns, per EC2 instance, the address its role credentials are used from, and decides for every other address,
 * {@code confirm} after it first appears, whether it is the account's shared egress or the credentials used outside
 * their instance (see {@link InstanceCredentialExfiltrationDetector}).
 *
 * <p>Two kinds of key share one store (see {@link OriginState}). The decision waits in event time, so events
 * reordered within {@code confirm} (at least the reorder horizon) give the same instance address, the same reset and
 * the same alert id (the earliest call from the other address, by event time then event id). Whether the address is
 * shared egress is judged from the instances established on it by the decision's own event time ({@link
 * #isShared}), so it does not depend on when the decision runs or on what arrives after.
 *
 * <p>Commands (SSM {@code SendCommand} and others, {@link Policy#commanded}) are kept on the address they came from,
 * per instance they name ({@link InstanceCredentialFacts}). An instance's first use of that address within {@code
 * confirm} after such a command is command-tainted: the address is never the instance's own ({@link #settle}), and is
 * judged even when the instance has no own address. Repeated calls from a known address change nothing; a bounded
 * in-memory mirror of facts already stored answers them without touching the store (emptied on every {@code init},
 * and on every instance restart seen; it changes how often the store is read, never what is reported).
 */
final class InstanceOriginProcessor extends WindowedProcessor<OriginState> {

    private static final int MIRROR_SIZE = 50_000;

    /** How the detector reads events and words alerts. */
    interface Policy {
        /** Instances (re)started or given a new public address by this event; empty for any other event. */
        List<String> resets(CloudTrailEvent event);

        /** The instance whose role session made the call, or null. */
        String instance(CloudTrailEvent event);

        /** The address the call came from, when it is one that counts; else null. */
        String origin(CloudTrailEvent event);

        /**
         * The instances (ids, lower case) a successful call reaches into (runs a command on, opens a session or pushes
         * an SSH key to), leaving out the caller's own instance; empty for any other call.
         */
        List<String> commanded(CloudTrailEvent event);

        /**
         * The alert for the instance's credentials used from {@code other}: an address other than its own ({@code
         * own}, null when it has none), or one a {@code command} naming it was sent from just before (else null).
         */
        Alerts.Finding finding(String instance, Origin own, Origin other, OriginState address, Origin command);
    }

    private final String ruleId;
    private final long confirm;
    private final long retention;
    private final int shared;
    private final long horizon;
    private final Policy policy;
    private final Map<String, Long> recorded = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MIRROR_SIZE;
        }
    };

    /**
     * @param confirm how long after an address first appears it is decided; at least the reorder horizon, so that an
     *                earlier call or restart of the instance that is still on its way is taken into account
     */
    InstanceOriginProcessor(String name, String ruleId, long confirm, long retention, int shared, Policy policy,
                            DetectionKit kit) {
        super(name, Math.max(confirm, kit.watermark().horizon()), OriginStateCodec.SERDE, kit);
        this.ruleId = ruleId;
        this.confirm = Math.max(confirm, kit.watermark().horizon());
        this.retention = retention;
        this.shared = shared;
        this.horizon = kit.watermark().horizon();
        this.policy = policy;
    }

    @Override
    public void init(ProcessorContext<String, BurstOutcome> context) {
        super.init(context);
        recorded.clear();
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        long now = observe(record);
        List<String> resets = policy.resets(event);
        if (!resets.isEmpty()) {
            for (String instance : resets) {
                String key = instanceKey(event.recipientAccountId(), instance);
                OriginState state = load(key, now);
                Origin own = state.anchor();
                if (own != null && own.first() < event.eventTime()) {
                    // its address from before the restart is its own no longer, from the restart on
                    notOwn(event.recipientAccountId(), instance, own.name(), event.eventTime(), now);
                }
                // settled again at once: its new address may already be known (read before this record), and the
                // other addresses waiting on an own address are judged against it now, not at its next call
                save(key, settle(event.recipientAccountId(), instance, state.reset(event.eventTime()), now), now);
            }
            recorded.clear();
            return;
        }
        String origin = policy.origin(event);
        List<String> commanded = policy.commanded(event);
        if (!commanded.isEmpty() && origin != null) {
            command(event, origin, commanded, now);
        }
        String instance = policy.instance(event);
        if (instance == null || origin == null) {
            return;
        }
        String account = event.recipientAccountId();
        String fact = account + '|' + instance + '|' + origin;
        Long known = recorded.get(fact);
        if (known != null && event.eventTime() >= known) {
            return;
        }
        learn(account, instance, new Origin(origin, event.eventTime(), event.eventId(), Anchor.of(event), false),
                now);
        recorded.put(fact, event.eventTime());
    }

    /**
     * A command from {@code origin} naming instances: kept on the address, and each named instance's own address
     * settled again (a command that arrived after the use it taints takes that address away from the instance).
     */
    private void command(CloudTrailEvent event, String origin, List<String> instances, long now) {
        String account = event.recipientAccountId();
        String addressKey = addressKey(account, origin);
        OriginState address = load(addressKey, now);
        Anchor call = Anchor.of(event);
        for (String instance : instances) {
            address = InstanceCredentialFacts.withCommand(address, instance, event.eventTime(), event.eventId(), call,
                    confirm, confirm + horizon);
        }
        save(addressKey, address.seen(event.eventTime()), now);
        for (String instance : instances) {
            String key = instanceKey(account, instance);
            OriginState state = stored(key);
            if (state != null) {
                OriginState settled = settle(account, instance, state, now);
                if (settled != state) {
                    save(key, settled, now);
                }
            }
        }
    }

    /** The instance's state and the address's state with this call in them. */
    private void learn(String account, String instance, Origin call, long now) {
        String key = instanceKey(account, instance);
        OriginState state = load(key, now);
        Origin own = state.anchor();
        long resetAt = state.resetAt();
        if (own != null && own.name().equals(call.name())) {
            state = state.withAnchor(merged(own, call, resetAt));
        } else {
            int i = state.otherIndex(call.name());
            state = i < 0 ? state.withOther(call) : state.withoutOther(call.name())
                    .withOther(merged(state.others().get(i), call, resetAt));
        }
        String addressKey = addressKey(account, call.name());
        OriginState address = InstanceCredentialFacts.withUse(load(addressKey, now), instance, call.first(),
                call.eventId());
        if (state.anchor() != null && state.anchor().name().equals(call.name())) {
            // An earlier call from the instance's own address, arrived late: it has been its own since then.
            address = address.ownOf(instance, state.anchor().first());
        }
        save(addressKey, address.seen(call.first()), now);
        save(key, settle(account, instance, state, now).seen(call.first()), now);
    }

    /**
     * One address's calls merged: the earliest, within the instance's present life (since its last restart); a call
     * from before the restart does not replace one since it, and one since it replaces any from before.
     */
    private static Origin merged(Origin known, Origin call, long resetAt) {
        boolean knownNow = known.first() >= resetAt;
        boolean callNow = call.first() >= resetAt;
        if (knownNow == callNow) {
            return known.earlier(call.first(), call.eventId(), call.call());
        }
        return callNow ? call : known;
    }

    /**
     * The instance's own address made right: the earliest address (event time, then event id) its credentials were
     * used from since it last started whose decision is still open and whose first use is not command-tainted
     * ({@link InstanceCredentialFacts}). The address it replaces waits for its decision like any other; the address
     * states' {@code anchoredBy} follow. The same state (same object) when nothing changed.
     */
    private OriginState settle(String account, String instance, OriginState given, long now) {
        OriginState state = tainted(account, instance, given);
        Origin own = state.anchor();
        Origin best = null;
        for (Origin o : openUses(state)) {
            // tainted() has just recorded each open use's taint on the state
            if (o.first() >= state.resetAt() && (best == null || InstanceCredentialFacts.BY_TIME.compare(o, best) < 0)
                    && state.taintOf(o.name()) == null) {
                best = o;
            }
        }
        if (own == best || own != null && best != null && own.name().equals(best.name())) {
            return state.taints().equals(given.taints()) ? given : state;
        }
        OriginState moved = state;
        if (own != null) {
            moved = moved.withAnchor(null).withOther(own.undecided());
            notOwn(account, instance, own.name(), endOf(state, own, best), now);
        }
        if (best != null) {
            moved = moved.withoutOther(best.name()).withAnchor(best);
            String next = addressKey(account, best.name());
            save(next, bounded(load(next, now).ownOf(instance, best.first())), now);
        }
        return moved;
    }

    /**
     * When the instance's own address {@code own}, replaced by {@code best}, stopped being its own: the command that
     * taints its first use, or the earlier call from {@code best}; both at or before that first use, so by event time
     * it never was its own. Else the restart it predates.
     */
    private static long endOf(OriginState state, Origin own, Origin best) {
        Origin taint = state.taintOf(own.name());
        if (taint != null) {
            return taint.first();
        }
        if (best != null && InstanceCredentialFacts.BY_TIME.compare(best, own) < 0) {
            return best.first();
        }
        return Math.max(state.resetAt(), own.first());
    }

    /** The address's ownership by the instance ended at {@code until} (kept while a decision may ask about it). */
    private void notOwn(String account, String instance, String address, long until, long now) {
        String key = addressKey(account, address);
        OriginState state = stored(key);
        if (state != null) {
            OriginState ended = bounded(state.notOwnOf(instance, until));
            if (ended != state) {
                save(key, ended, now);
            }
        }
    }

    /**
     * The address's state without the ownerships no decision still to run can ask about: those that ended before
     * every use whose decision is still open or still on its way. Decisions due before the last close have run, and
     * a use still to come is at most the reorder horizon behind event time then.
     */
    private OriginState bounded(OriginState address) {
        return address.withoutEndedBefore(closedUpTo() - confirm - horizon - 1);
    }

    /**
     * The instance's state with the command that taints each of its open uses (its own address and the others still
     * waiting) recorded on it: the one recorded before, when still within the confirm delay before the use's first
     * call, or a later one the address keeps. Recorded when the use or the command is learned, it stays when the
     * address no longer keeps the command (pushed out by later ones), so the decision reads what the input says.
     */
    private OriginState tainted(String account, String instance, OriginState state) {
        List<Origin> taints = new ArrayList<>();
        for (Origin o : openUses(state)) {
            Origin command = taint(account, instance, state, o);
            if (command != null) {
                taints.add(new Origin(o.name(), command.first(), command.eventId(), command.call(), true));
            }
        }
        return taints.equals(state.taints()) ? state : state.withTaints(taints);
    }

    /** The instance's own address and its other addresses still waiting for their decision. */
    private static List<Origin> openUses(OriginState state) {
        List<Origin> open = new ArrayList<>(state.others().size() + 1);
        if (state.anchor() != null) {
            open.add(state.anchor());
        }
        state.others().stream().filter(o -> !o.decided()).forEach(open::add);
        return open;
    }

    /**
     * The command that taints the instance's use {@code use}: the latest of the one recorded on the instance's state
     * (when still within the confirm delay before the use) and the one the address keeps; null when neither.
     */
    private Origin taint(String account, String instance, OriginState state, Origin use) {
        Origin kept = InstanceCredentialFacts.commandBefore(stored(addressKey(account, use.name())), instance,
                use.first(), confirm);
        Origin recorded = state.taintOf(use.name());
        if (recorded == null || recorded.first() > use.first() || use.first() - recorded.first() > confirm) {
            return kept;
        }
        if (kept == null || InstanceCredentialFacts.BY_TIME.compare(recorded, kept) >= 0) {
            return new Origin(instance, recorded.first(), recorded.eventId(), recorded.call(), true);
        }
        return kept;
    }

    @Override
    OriginState empty() {
        return OriginState.EMPTY;
    }

    @Override
    OriginState closeExpired(String key, OriginState state, long now) {
        OriginState decided = isInstanceKey(key) ? decide(key, state, now) : state;
        boolean waiting = decided.others().stream().anyMatch(o -> !o.decided());
        return !waiting && decided.lastSeen() + retention < now ? OriginState.EMPTY : decided;
    }

    @Override
    void closeAll(String key, OriginState state) {
        if (isInstanceKey(key)) {
            decide(key, state, Long.MAX_VALUE);
        }
    }

    @Override
    long nextDue(OriginState state) {
        return state.others().stream().filter(o -> !o.decided()).mapToLong(o -> o.first() + confirm + 1).min()
                .orElse(state.lastSeen() + retention + 1);
    }

    /** Every other address whose wait is over: an alert unless it is the account's shared egress. */
    private OriginState decide(String key, OriginState state, long now) {
        List<Origin> others = new ArrayList<>(state.others());
        boolean changed = false;
        String[] parts = key.split("\\|", 3);
        for (int i = 0; i < others.size(); i++) {
            Origin other = others.get(i);
            if (other.decided() || other.first() + confirm >= now) {
                continue;
            }
            OriginState address = stored(addressKey(parts[1], other.name()));
            Origin command = taint(parts[1], parts[2], state, other);
            // A call from before the instance last (re)started belongs to its previous address, not an outsider.
            // A command-tainted address is judged even when the instance has no own address: it cannot be its own.
            boolean judged = other.first() >= state.resetAt() && (state.anchor() != null || command != null);
            if (judged && !isShared(address, parts[2], other.first(), other.first() + confirm, command)) {
                var alert = BurstAlerts.first(AlertIds.of(ruleId, parts[1] + '|' + parts[2] + '|' + other.name(),
                                other.first()), policy.finding(parts[2], state.anchor(), other, address, command),
                        other.call(), List.of(other.eventId()), 1, other.first(), other.first());
                emit(alert, other.first());
            }
            others.set(i, other.asDecided());
            changed = true;
        }
        return changed ? state.withOthers(others) : state;
    }

    /**
     * Another instance's own address, or one enough instances use, the instance itself included: a NAT gateway, a
     * shared endpoint. Only instances established on the address count ({@link
     * InstanceCredentialFacts#established}): their first use of it at or before {@code upTo} (the decision's own
     * event time), not itself command-tainted, and, when a {@code command} taints this use, before that command (the
     * instance itself is then not established there either). Another instance's own address counts only when it was
     * so at some moment from this use ({@code from}) to then ({@link OriginState#ownersAt}): an instance that restarts
     * hours later and calls from the address does not make it shared egress after the fact, and one whose restart or
     * new address had ended its ownership before the use no longer does. What came after, in any order, changes
     * nothing.
     */
    private boolean isShared(OriginState address, String instance, long from, long upTo, Origin command) {
        if (address == null) {
            return false;
        }
        long before = command == null ? Long.MAX_VALUE : command.first();
        List<String> established = InstanceCredentialFacts.established(address, instance, upTo, before, confirm);
        int itself = command == null ? 1 : 0;
        return established.size() + itself >= shared
                || address.ownersAt(from, upTo, before).stream().anyMatch(established::contains);
    }

    private static String instanceKey(String account, String instance) {
        return "i|" + account + '|' + instance;
    }

    private static String addressKey(String account, String origin) {
        return "o|" + account + '|' + origin;
    }

    private static boolean isInstanceKey(String key) {
        return key.startsWith("i|");
    }
}
