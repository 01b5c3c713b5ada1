package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Per role session ({@code s|account|accessKeyId}): whether a workload service issued it, and the addresses outside AWS
 * it was used from, each decided {@code confirm} after its first call (see {@link
 * WorkloadCredentialExfiltrationDetector}). Kept as an {@link OriginState} (its layout, its codec):
 * <ul>
 *   <li>{@code anchor}: the {@code AssumeRole} that issued the session, named for the issuing service;</li>
 *   <li>{@code others}: each address outside AWS the session was used from (its earliest call), waiting for or past
 *       its decision; and, judging by user agents (no ASN database), each address the session's runtime calls
 *       ({@code exec-env/AWS_Lambda...}, {@code exec-env/AWS_ECS...}) came from, named {@value #RUNTIME} + address,
 *       decided from the start.</li>
 * </ul>
 *
 * <p>Order: the AssumeRole comes before every use in event time, and a runtime call that counts is at most {@code
 * confirm} minus the reorder horizon after the use (so at or before it with the defaults). A use is decided once the
 * stream is {@code confirm} (at least the horizon) past it: everything the decision reads is in by then, whatever order
 * it came in. The alert id is the session, the address and that address's earliest call. A session no workload service
 * issued is forgotten {@code confirm} after its last new fact; a workload's session {@value #SESSION_HOURS} hours (the
 * longest an STS session lives) after it was issued or last seen.
 */
final class WorkloadSessionProcessor extends WindowedProcessor<OriginState> {

    static final String RUNTIME = "runtime ";
    static final int SESSION_HOURS = 12;
    /** The most outside addresses and the most runtime addresses kept per session. */
    static final int MAX_OUTSIDE = 16;
    static final int MAX_RUNTIME = 32;
    private static final int MIRROR_SIZE = 50_000;
    private static final int ADDRESS_CACHE_SIZE = 8_192;

    private final String ruleId;
    private final long confirm;
    private final long horizon;
    private final long lifetime;
    private final WorkloadCredentialExfiltrationDetector detector;
    private final WorkloadCredentialExfiltrationDetector.Judge judge;
    /** Facts already stored (session and address to earliest time): repeated calls skip the state. */
    private final Map<String, Long> recorded = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MIRROR_SIZE;
        }
    };

    /**
     * Each address's network as the ASN database judges it (outside AWS or not): most role-session calls come from
     * a few addresses, and a database lookup (parse, tree walk, decode) costs more than the rest of this step.
     */
    private final Map<String, Boolean> outsideNetwork = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > ADDRESS_CACHE_SIZE;
        }
    };

    WorkloadSessionProcessor(String name, String ruleId, long confirm,
                             WorkloadCredentialExfiltrationDetector detector, DetectionKit kit) {
        super(name, Math.max(confirm, kit.watermark().horizon()), OriginStateCodec.SERDE, kit);
        this.ruleId = ruleId;
        this.confirm = Math.max(confirm, kit.watermark().horizon());
        this.horizon = kit.watermark().horizon();
        this.lifetime = SESSION_HOURS * 3_600_000L + this.confirm;
        this.detector = detector;
        this.judge = detector.judge();
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
        String service = WorkloadCredentialExfiltrationDetector.issuedBy(event);
        if (service != null) {
            issued(event, service, now);
            return;
        }
        String accessKey = WorkloadCredentialExfiltrationDetector.session(event);
        Origin fact = accessKey == null ? null : fact(event);
        if (fact == null) {
            return;
        }
        String key = sessionKey(event.recipientAccountId(), accessKey);
        String mirror = key + '|' + fact.name();
        Long known = recorded.get(mirror);
        if (known != null && event.eventTime() >= known) {
            return;
        }
        OriginState state = load(key, now);
        OriginState next = with(state, fact);
        if (next != state) {
            save(key, next.seen(event.eventTime()), now);
        }
        if (next.otherIndex(fact.name()) >= 0) {
            // only a fact the state holds: one dropped for want of room is offered again by the address's next call
            recorded.put(mirror, event.eventTime());
        }
    }

    private void issued(CloudTrailEvent event, String service, long now) {
        String accessKey = WorkloadCredentialExfiltrationDetector.issuedKey(event);
        if (accessKey == null || event.recipientAccountId() == null) {
            return;
        }
        String key = sessionKey(event.recipientAccountId(), accessKey);
        OriginState state = load(key, now);
        Origin issue = state.anchor() == null
                ? new Origin(service, event.eventTime(), event.eventId(), Anchor.of(event), true)
                : state.anchor().earlier(event.eventTime(), event.eventId(), Anchor.of(event));
        if (issue != state.anchor()) {
            save(key, state.withAnchor(issue).seen(event.eventTime()), now);
        }
    }

    private boolean outsideAwsNetwork(String ip) {
        Boolean outside = outsideNetwork.get(ip);
        if (outside == null) {
            outside = detector.outsideAwsNetwork(ip);
            outsideNetwork.put(ip, outside);
        }
        return outside;
    }

    /**
     * What the call tells about its session: a use outside AWS (undecided), a runtime call's address (judging by user
     * agents), or null for a call that tells nothing.
     */
    private Origin fact(CloudTrailEvent event) {
        String ip = event.sourceIpAddress();
        boolean outside;
        if (judge == WorkloadCredentialExfiltrationDetector.Judge.ASN) {
            // the function's or task's own SDK names its runtime: egress through an on-premises network or a proxy
            // outside AWS is still the workload
            outside = !WorkloadCredentialExfiltrationDetector.runtimeAgent(event.userAgent())
                    && detector.outsideAws(event, this::outsideAwsNetwork);
        } else if (WorkloadCredentialExfiltrationDetector.runtimeAgent(event.userAgent())) {
            return new Origin(RUNTIME + ip, event.eventTime(), event.eventId(), null, true);
        } else {
            String agent = event.userAgent();
            outside = !Addresses.isPrivate(ip) && (agent == null || !agent.contains("exec-env/"))
                    && EndpointFields.of(event).id() == null;
        }
        if (outside && presigned(event)) {
            // a presigned URL the workload handed out, opened by whoever it was given to: not the key's use
            return null;
        }
        return outside ? new Origin(ip, event.eventTime(), event.eventId(), Anchor.of(event), false) : null;
    }

    /** A request signed in its query string (S3's presigned URLs): the holder of the URL made it, not of the key. */
    static boolean presigned(CloudTrailEvent event) {
        return "QueryString".equals(event.additionalEventData().path("AuthenticationMethod").asText(null));
    }

    /**
     * The state with the fact in it: merged into the same address's (earliest call wins), or added. Of the outside
     * addresses, when {@value #MAX_OUTSIDE} are kept, a decided one (the earliest) makes room; of the runtime
     * addresses the earliest {@value #MAX_RUNTIME} are kept. The same object when nothing changed.
     */
    static OriginState with(OriginState state, Origin fact) {
        int i = state.otherIndex(fact.name());
        List<Origin> all = new ArrayList<>(state.others());
        if (i >= 0) {
            Origin merged = all.get(i).earlier(fact.first(), fact.eventId(), fact.call());
            if (merged == all.get(i)) {
                return state;
            }
            all.set(i, merged);
            return state.withOthers(all);
        }
        boolean runtime = isRuntime(fact);
        List<Origin> kind = all.stream().filter(o -> isRuntime(o) == runtime).toList();
        if (runtime && kind.size() >= MAX_RUNTIME) {
            Origin latest = kind.stream().max(InstanceCredentialFacts.BY_TIME).orElseThrow();
            if (InstanceCredentialFacts.BY_TIME.compare(fact, latest) >= 0) {
                return state;
            }
            all.remove(latest);
        } else if (!runtime && kind.size() >= MAX_OUTSIDE) {
            Origin room = kind.stream().filter(Origin::decided).min(Comparator.comparingLong(Origin::first))
                    .orElse(null);
            if (room == null) {
                return state;
            }
            all.remove(room);
        }
        all.add(fact);
        return state.withOthers(all);
    }

    static boolean isRuntime(Origin o) {
        return o.name().startsWith(RUNTIME);
    }

    @Override
    OriginState empty() {
        return OriginState.EMPTY;
    }

    @Override
    OriginState closeExpired(String key, OriginState state, long now) {
        OriginState decided = decide(key, state, now);
        boolean waiting = decided.others().stream().anyMatch(o -> !o.decided());
        return !waiting && forgetAt(decided) < now ? OriginState.EMPTY : decided;
    }

    @Override
    void closeAll(String key, OriginState state) {
        decide(key, state, Long.MAX_VALUE);
    }

    @Override
    long nextDue(OriginState state) {
        return state.others().stream().filter(o -> !o.decided()).mapToLong(o -> o.first() + confirm + 1).min()
                .orElse(forgetAt(state) + 1);
    }

    /** When the session is forgotten: {@code confirm} after its last fact, or its lifetime for a workload's. */
    private long forgetAt(OriginState state) {
        if (state.anchor() == null) {
            return state.lastSeen() + confirm;
        }
        return Math.max(state.lastSeen(), state.anchor().first()) + lifetime;
    }

    /** Every outside address whose wait is over: an alert when a workload service issued the session. */
    private OriginState decide(String key, OriginState state, long now) {
        List<Origin> others = new ArrayList<>(state.others());
        boolean changed = false;
        for (int i = 0; i < others.size(); i++) {
            Origin use = others.get(i);
            if (use.decided() || use.first() + confirm >= now) {
                continue;
            }
            if (state.anchor() != null && judged(state, use)) {
                String accessKey = key.substring(key.lastIndexOf('|') + 1);
                String account = key.substring(2, key.lastIndexOf('|'));
                var alert = BurstAlerts.first(AlertIds.of(ruleId, account + '|' + accessKey + '|' + use.name(),
                                use.first()), detector.finding(accessKey, state.anchor(), use, judge), use.call(),
                        List.of(use.eventId()), 1, use.first(), use.first());
                emit(alert, use.first());
            }
            others.set(i, use.asDecided());
            changed = true;
        }
        return changed ? state.withOthers(others) : state;
    }

    /**
     * Whether the use counts as outside: by the ASN database, it is; by user agents, when the session made runtime
     * calls by the use's time plus {@code confirm} minus the horizon, none of them from the use's address.
     */
    private boolean judged(OriginState state, Origin use) {
        if (judge == WorkloadCredentialExfiltrationDetector.Judge.ASN) {
            return true;
        }
        long upTo = use.first() + confirm - horizon;
        boolean runtime = false;
        for (Origin o : state.others()) {
            if (isRuntime(o) && o.first() <= upTo) {
                if (o.name().equals(RUNTIME + use.name())) {
                    return false;
                }
                runtime = true;
            }
        }
        return runtime;
    }

    private static String sessionKey(String account, String accessKey) {
        return "s|" + account + '|' + accessKey;
    }
}
