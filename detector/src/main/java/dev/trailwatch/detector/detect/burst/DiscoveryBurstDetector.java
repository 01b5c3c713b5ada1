package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Discovery burst: one principal calls at least {@code burst.discovery.calls} (8) distinct List / Describe / Get
 * APIs spanning at least {@code burst.discovery.services} (4) services within {@code burst.discovery.window} (10
 * minutes) of event time, counting the calls {@code burst.discovery.scope} says (below): by default only the calls
 * refused to a program, which makes it MEDIUM (credentials probed for what they reach). With {@code all}, every call,
 * allowed or refused: LOW; MEDIUM when the principal is an EC2 instance's role session (an instance runs fixed code, it
 * does not survey the account) or when {@code burst.discovery.denied} (3) of the calls were refused to a program.
 * Refusals that say nothing about the caller do not count as refused: those in the browser or by the console's own
 * back end (console pages call what they can), and those by an organization's service control policy (a scanner
 * crawling the regions an SCP denies).
 *
 * <p>Why: the first thing done with stolen credentials is finding out what they can see: Stratus
 * ec2-enumerate-from-instance (GetCallerIdentity, ListBuckets, GetAccountSummary, ListRoles, ListUsers,
 * GetAccountAuthorizationDetails, DescribeSnapshots, DescribeTrails, ListDetectors from an instance role), Pacu's
 * enum modules, ScoutSuite, Prowler, CloudFox, aws-enumerator. Each call alone is routine; a sweep across services
 * by one identity is not.
 *
 * <p>Counted per account and principal (no repartition). Calls AWS makes on a principal's behalf and the calls the
 * console makes while a person browses it (user agent {@code AWS Internal} / {@code console.*.amazonaws.com}, or
 * {@code signin.amazonaws.com} as invoker) do not count.
 *
 * <p>Which calls count is {@code burst.discovery.scope} ({@link BurstSettings.DiscoveryScope}). By default
 * ({@code refused}) the calls refused to a program, of every principal: a sweep is then {@code burst.discovery.calls}
 * distinct refused calls across the services, credentials probed for what they reach (Stratus
 * ec2-enumerate-from-instance: its instance role is refused eight of its nine calls), always MEDIUM. Refused reads are
 * a small part of ordinary traffic, so it runs by default. {@code all} counts every principal's calls, allowed too,
 * which adds the LOW sweep by a person or tool with broad read rights and the MEDIUM sweep by an instance role session
 * with the rights it has, and costs about a quarter of the stream thread (docs/performance.md). Whether a call counts
 * is decided on the event alone, so alerts stay a function of the input in either scope.
 *
 * <p>False positives: by default a tool or person running with a role too narrow for what it reads (a scanner or a
 * SaaS integration whose policy lags the services it reads). With {@code all}, also security and inventory tools by
 * design (Prowler, ScoutSuite, CSPM agents), Terraform plans over many services, a person exploring with the CLI (LOW),
 * and node or agent roles on instances that read many services (MEDIUM). Tune the thresholds or tune the principal out.
 *
 * <p>ATT&amp;CK: T1580 Cloud Infrastructure Discovery, T1526 Cloud Service Discovery, T1087.004 Cloud Account.
 */
public final class DiscoveryBurstDetector {

    public static final String ID = "discovery-burst";
    private static final List<String> MITRE = List.of("T1580", "T1526", "T1087.004");
    private static final String RUNBOOK = "Ask the principal's owner whether a scanner, an inventory job or a person"
            + " exploring made these calls. If not: treat the credentials as stolen (revoke the sessions, deactivate"
            + " the keys, for an instance session isolate the instance and look for a web or SSRF foothold), then"
            + " review what the principal did after the survey: reads of secrets, new keys or roles, calls from new"
            + " addresses.";
    private static final String SERVICE_LINKED_ROLE = ":assumed-role/AWSServiceRoleFor";
    private static final String CONSOLE_AGENT = "AWS Internal";
    private static final String CONSOLE_INVOKER = "signin.amazonaws.com";

    private final int calls;
    private final int services;
    private final int denied;
    private final Duration window;
    private final Duration grace;
    private final DetectionKit kit;
    private final BurstSettings.DiscoveryScope scope;
    private final Predicate<CloudTrailEvent> counted;

    DiscoveryBurstDetector(DetectorConfig config, DetectionKit kit, BurstSettings.DiscoveryScope scope) {
        this.calls = config.get(BurstSettings.DISCOVERY_CALLS);
        this.services = config.get(BurstSettings.DISCOVERY_SERVICES);
        this.denied = config.get(BurstSettings.DISCOVERY_DENIED);
        this.window = config.get(BurstSettings.DISCOVERY_WINDOW);
        this.grace = Duration.ofMillis(kit.graceMillis(config.get(BurstSettings.GRACE)));
        this.kit = kit;
        this.scope = scope;
        this.counted = switch (scope) {
            case ALL -> DiscoveryBurstDetector::isDiscoveryCall;
            case REFUSED -> DiscoveryBurstDetector::isRefusedCall;
            case OFF -> throw new IllegalArgumentException("discovery-burst is off: it is not built");
        };
    }

    /** A read call a principal made itself, outside the console: List*, Describe*, Get*. Typed fields only. */
    static boolean isDiscoveryCall(CloudTrailEvent event) {
        String name = event.eventName();
        if (name == null || event.eventSource() == null || event.userIdentity().arn() == null
                || !(name.startsWith("List") || name.startsWith("Describe") || name.startsWith("Get"))) {
            return false;
        }
        String agent = event.userAgent();
        // two equals, not the set's lookup: a lookup hashes the whole agent string (100 characters and more)
        if (agent != null && (isConsoleAgent(agent) || agent.startsWith("console.")
                || agent.contains("console.amazonaws.com"))) {
            return false;
        }
        return !event.isAwsServiceCall() && !CONSOLE_INVOKER.equals(event.userIdentity().invokedBy());
    }

    /**
     * A discovery call {@code burst.discovery.scope=refused} counts: one refused to a program ({@link #isProbe}),
     * called from an address (not by a service in its own name) and not by a service-linked role, which no one can
     * steal.
     */
    static boolean isRefusedCall(CloudTrailEvent event) {
        return event.isDenied() && isDiscoveryCall(event) && isProbe(event)
                && AccessDeniedBurstDetector.isIpAddress(event.sourceIpAddress())
                && !event.userIdentity().arn().contains(SERVICE_LINKED_ROLE);
    }

    private static boolean isConsoleAgent(String agent) {
        return CONSOLE_AGENT.equals(agent) || CONSOLE_INVOKER.equals(agent);
    }

    /**
     * A denied call that says something: made by a program (SDK, CLI, tool), refused by the account's own policies. A
     * person browsing the console with limited permissions hits AccessDenied on every page (the console's calls carry
     * the browser's user agent, or {@code aws-internal/} for those its back end makes); an organization's service
     * control policy refuses whatever reaches a region or service it closes, inventory crawls included.
     */
    static boolean isProbe(CloudTrailEvent event) {
        if (!event.isDenied()) {
            return false;
        }
        String agent = event.userAgent();
        if (agent != null && (agent.startsWith("Mozilla/") || agent.startsWith("aws-internal/"))) {
            return false;
        }
        String message = event.errorMessage();
        return message == null || !message.contains("service control policy");
    }

    /**
     * Whether the ARN is an EC2 instance's role session, {@code ...:assumed-role/<role>/i-<8 or 17 hex digits>} (the
     * instance profile names the session for the instance): instance-credential-exfiltration's test, one rule for both.
     */
    static boolean isInstanceSession(String principal) {
        return InstanceCredentialExfiltrationDetector.instanceOf(principal) != null;
    }

    Detections detect(EventRouter events) {
        String name = ID + "-by-principal";
        return Bursts.split(events.process(name, counted, new Supplier(name)), name);
    }

    /** Half the window: a burst within half a window always falls into one pair of adjacent buckets. */
    private long bucket() {
        return Math.max(1, window.toMillis() / 2);
    }

    private Optional<Alerts.Finding> finding(CallPair pair) {
        if (pair.calls().size() < calls || pair.services() < services) {
            return Optional.empty();
        }
        boolean instance = isInstanceSession(pair.principal());
        boolean refusedOnly = scope == BurstSettings.DiscoveryScope.REFUSED;
        // with scope refused every call of the pair was refused: probing, whatever burst.discovery.denied says
        boolean probing = refusedOnly || pair.denied().size() >= denied;
        Severity severity = instance || probing ? Severity.MEDIUM : Severity.LOW;
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("keyedBy", "principal");
        evidence.put("principal", pair.principal());
        evidence.put("distinctCalls", pair.calls().size());
        evidence.put("services", pair.services());
        evidence.put("deniedCalls", pair.denied());
        evidence.put("calls", pair.calls());
        evidence.put("instanceSession", instance);
        evidence.put("threshold", calls);
        evidence.put("minServices", services);
        evidence.put("window", Durations.format(window));
        evidence.put("windowStart", Instant.ofEpochMilli(pair.start()).toString());
        evidence.put("windowEnd", Instant.ofEpochMilli(pair.end()).toString());
        evidence.put("scope", scope.text());
        String who = instance ? "EC2 instance credentials " + pair.principal() : pair.principal();
        String between = " between " + Instant.ofEpochMilli(pair.first()) + " and " + Instant.ofEpochMilli(pair.last())
                + ": " + BurstEvidence.head(pair.calls());
        String description = refusedOnly
                ? who + " was refused " + pair.calls().size() + " distinct List/Describe/Get APIs across "
                        + pair.services() + " services" + between + " (only refused calls are counted: "
                        + "burst.discovery.scope=refused; look up its allowed calls of the same minutes)"
                : who + " called " + pair.calls().size() + " distinct List/Describe/Get APIs across "
                        + pair.services() + " services (" + pair.denied().size() + " denied)" + between;
        return Optional.of(new Alerts.Finding(ID, "Discovery burst by " + pair.principal(), description, severity,
                MITRE, RUNBOOK, evidence));
    }

    private final class Supplier implements ProcessorSupplier<String, CloudTrailEvent, String, BurstOutcome> {

        private final String name;

        Supplier(String name) {
            this.name = name;
        }

        @Override
        public Processor<String, CloudTrailEvent, String, BurstOutcome> get() {
            return new DiscoveryCounter(name, ID, bucket(), grace.toMillis(), calls, services,
                    DiscoveryBurstDetector.this::finding, kit);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            Set<StoreBuilder<?>> stores = new HashSet<>(BurstStores.named(name).builders());
            stores.add(DiscoveryCounter.callsStoreBuilder(name, bucket(), grace.toMillis()));
            return stores;
        }
    }
}
