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
 * shared egress is judged from the instances seen using it when the decision is made: another instance's call from
 * it that arrives after that (within the horizon) does not change a decision already taken. Repeated calls from a known address change nothing; a bounded
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

        Alerts.Finding finding(String instance, Origin own, Origin other, OriginState address);
    }

    private final String ruleId;
    private final long confirm;
    private final long retention;
    private final int shared;
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
                save(key, load(key, now).reset(event.eventTime()), now);
            }
            recorded.clear();
            return;
        }
        String instance = policy.instance(event);
        String origin = policy.origin(event);
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

    /** The instance's state and the address's state with this call in them. */
    private void learn(String account, String instance, Origin call, long now) {
        String key = instanceKey(account, instance);
        OriginState state = load(key, now);
        Origin own = state.anchor();
        long time = call.first();
        boolean isOwn = true;
        if (own == null && time >= state.resetAt()) {
            state = state.withAnchor(call);
        } else if (own != null && own.name().equals(call.name())) {
            state = state.withAnchor(own.earlier(time, call.eventId(), call.call()));
        } else if (own != null && isBefore(call, own) && time >= state.resetAt()) {
            // An earlier call from elsewhere arrived late: that address is the instance's own, the other waits.
            state = state.withAnchor(call).withoutOther(call.name()).withOther(own.undecided());
            String previous = addressKey(account, own.name());
            OriginState address = stored(previous);
            if (address != null) {
                save(previous, address.notOwnOf(instance), now);
            }
        } else {
            state = state.withOther(call);
            isOwn = false;
        }
        save(key, state.seen(time), now);
        String addressKey = addressKey(account, call.name());
        save(addressKey, load(addressKey, now).usedBy(instance, isOwn, shared).seen(time), now);
    }

    /** Event time, then event id: two calls in the same millisecond from two addresses still have one first. */
    private static boolean isBefore(Origin call, Origin own) {
        return call.first() < own.first() || call.first() == own.first() && call.eventId().compareTo(own.eventId()) < 0;
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
            // A call from before the instance last (re)started belongs to its previous address, not an outsider.
            if (state.anchor() != null && other.first() >= state.resetAt() && !isShared(address, parts[2])) {
                var alert = BurstAlerts.first(AlertIds.of(ruleId, parts[1] + '|' + parts[2] + '|' + other.name(),
                                other.first()), policy.finding(parts[2], state.anchor(), other, address),
                        other.call(), List.of(other.eventId()), 1, other.first(), other.first());
                emit(alert, other.first());
            }
            others.set(i, other.asDecided());
            changed = true;
        }
        return changed ? state.withOthers(others) : state;
    }

    /** Another instance's own address, or one enough instances use: a NAT gateway, a shared endpoint. */
    private boolean isShared(OriginState address, String instance) {
        return address != null && (address.anchoredBy().stream().anyMatch(i -> !i.equals(instance))
                || address.users().size() >= shared);
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
