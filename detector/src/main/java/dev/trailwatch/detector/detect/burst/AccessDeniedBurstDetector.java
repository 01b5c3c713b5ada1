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
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.kstream.KStream;

/**
 * AccessDenied burst: at least {@code burst.access-denied.threshold} (20) {@code AccessDenied*} /
 * {@code *UnauthorizedOperation} errors (the CIS 4.1 filter) within {@code burst.access-denied.window} (5 minutes)
 * of event time (windows aligned to the epoch, see {@link BurstCounter}) from one principal make one MEDIUM alert
 * listing the denied actions; errors arriving later in the same window fold into a follow-up with the same alert id. A second key space counts per source IP and alerts when
 * the errors come from two or more principals: one host cycling through several stolen credentials. (A single
 * principal is already the per-principal alert; requiring a second keeps one burst from raising two alerts.)
 *
 * <p>Counted: denied calls of a principal from an address, and those a service carried for a person's credentials. A
 * denial whose source is a service name ({@code cloudformation.amazonaws.com}, {@code sqs.amazonaws.com}) is a service
 * calling with the principal's credentials (a forward access session: CloudFormation without a service role, SQS or S3
 * calling KMS for the caller); for an IAM user, root or an IAM Identity Center session it counts (anyone who can
 * create a stack can give their calls that source, and a stolen key probing through a service is still the key
 * probing). For other role sessions it does not: services run as roles customers made for them (AWS Config's, AWS
 * Backup's, a stack's service role, a function's execution role), which retry a call they lack the permission for all
 * day. Only the per-IP key space needs an address, since a service name is no host. Not counted: calls AWS makes
 * with identities that are its own (an {@code AWSService} identity, a session of a service-linked role, whose
 * {@code /aws-service-role/} path only AWS can use), and the background
 * calls the console makes while it renders a page (user agent {@code aws-internal/...}, or the source
 * {@code AWS Internal}): a user with narrow permissions browsing the console makes dozens of those, and they say
 * nothing about intent. Panther's rules also drop service-name sources; TrailWatch keys on who made the call.
 *
 * <p>Why: stolen credentials are tried before they are used. Enumeration tools (enumerate-iam, Pacu, ScoutSuite)
 * call hundreds of List/Describe/Get APIs across services to learn what the key can reach, and most are denied.
 *
 * <p>False positives: a deployment or script whose role lacks a permission and retries; a new service integration
 * being set up; security scanners with read-only roles that lack some services.
 *
 * <p>ATT&amp;CK: T1580 Cloud Infrastructure Discovery. (T1087.004 Cloud Account discovery is the narrower case of
 * IAM List* calls; the denied calls of a burst usually span EC2, S3, IAM, Lambda and more, which is T1580.)
 */
public final class AccessDeniedBurstDetector {

    public static final String ID = "access-denied-burst";
    /** The source CloudTrail writes for calls the console's own back end makes. */
    private static final String AWS_INTERNAL = "AWS Internal";
    private static final List<String> MITRE = List.of("T1580");
    private static final String RUNBOOK = "Ask the principal's owner whether the calls were theirs (a deploy, a new "
            + "script). Check the user agent and source IP against the principal's usual ones, and which actions "
            + "were denied: many List/Describe/Get calls across services is enumeration. If not expected, disable the "
            + "access key or revoke the role's sessions, and look for the calls that were allowed from the same IP.";

    private final DetectionKit kit;
    private final BurstSpec byPrincipal;
    private final BurstSpec byIp;

    AccessDeniedBurstDetector(DetectorConfig config, DetectionKit kit) {
        int threshold = config.get(BurstSettings.ACCESS_DENIED_THRESHOLD);
        Duration window = config.get(BurstSettings.ACCESS_DENIED_WINDOW);
        Duration grace = config.get(BurstSettings.GRACE);
        this.kit = kit;
        this.byPrincipal = new BurstSpec(ID, "by-principal", window, grace, threshold, 1, CloudTrailEvent::principal,
                AccessDeniedBurstDetector::action, tally -> perPrincipal(tally, threshold, window));
        this.byIp = new BurstSpec(ID, "by-ip", window, grace, threshold, 2, CloudTrailEvent::sourceIpAddress,
                CloudTrailEvent::principal, tally -> perIp(tally, threshold, window));
    }

    /**
     * True when the event counts toward a principal's AccessDenied burst (see the class comment for what is left
     * out): a denial by a principal that is not AWS's own, outside the console's background calls, from an address,
     * or carried by a service for a person's credentials.
     */
    public static boolean countsTowardBurst(CloudTrailEvent event) {
        String agent = event.userAgent();
        return event.isDenied() && !event.userIdentity().isAwsService()
                && !isServiceLinkedRoleSession(event.userIdentity().sessionIssuerArn())
                && !AWS_INTERNAL.equals(event.sourceIpAddress())
                && (agent == null || !agent.startsWith("aws-internal/"))
                && (isIpAddress(event.sourceIpAddress()) || carriedForAPerson(event));
    }

    /**
     * A denial a service carried (its name as the source) counts when the credentials are a person's: an IAM user's,
     * root's or an IAM Identity Center session's (a stolen key probing through CloudFormation). A role session's is
     * left out: services run as roles the customer made for them (AWS Config's, AWS Backup's, a stack's service role, a
     * function's execution role polling a queue), and such a role short of one permission retries the same call all
     * day (review, session 25).
     */
    static boolean carriedForAPerson(CloudTrailEvent event) {
        String type = event.userIdentity().type();
        if ("IAMUser".equals(type) || "Root".equals(type)) {
            return true;
        }
        String issuer = event.userIdentity().sessionIssuerArn();
        return issuer != null && issuer.contains(":role/aws-reserved/sso.amazonaws.com/");
    }

    /** True when the event counts toward a source IP's burst: it counts for its principal and came from an address. */
    public static boolean countsTowardIpBurst(CloudTrailEvent event) {
        return countsTowardBurst(event) && isIpAddress(event.sourceIpAddress());
    }

    /** A session of a service-linked role: IAM keeps the {@code /aws-service-role/} path for roles only AWS assumes. */
    static boolean isServiceLinkedRoleSession(String sessionIssuerArn) {
        return sessionIssuerArn != null && sessionIssuerArn.startsWith("arn:aws")
                && sessionIssuerArn.contains(":role/aws-service-role/");
    }

    Detections detect(EventRouter events) {
        KStream<String, CloudTrailEvent> principals = OriginStamp.repartition(events, byPrincipal.name(),
                AccessDeniedBurstDetector::countsTowardBurst, CloudTrailEvent::principal, kit);
        KStream<String, CloudTrailEvent> ips = OriginStamp.repartition(events, byIp.name(),
                AccessDeniedBurstDetector::countsTowardIpBurst, CloudTrailEvent::sourceIpAddress, kit);
        return Detections.all(Bursts.count(principals, byPrincipal, kit), Bursts.count(ips, byIp, kit));
    }

    /** {@code iam:GetRole}: the service's short name and the call, as IAM policies spell actions. */
    static String action(CloudTrailEvent event) {
        String source = event.eventSource();
        int dot = source.indexOf('.');
        return (dot > 0 ? source.substring(0, dot) : source) + ':' + event.eventName();
    }

    /** An IPv4 or IPv6 literal, checked by shape only (never a DNS lookup). */
    static boolean isIpAddress(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        if (text.indexOf(':') >= 0) {
            return text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return false;
            }
        }
        return true;
    }

    private static Alerts.Finding perPrincipal(BurstSpec.Tally tally, int threshold, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("principal", "errors", tally, threshold, window);
        evidence.put("deniedActions", tally.tokens());
        return new Alerts.Finding(ID, "AccessDenied burst by " + tally.entity(),
                tally.entity() + " was denied " + tally.count() + " calls in the " + Durations.format(window)
                        + " window from " + Instant.ofEpochMilli(tally.start()) + ", " + tally.tokens().size()
                        + " different actions: " + BurstEvidence.head(tally.tokens()),
                Severity.MEDIUM, MITRE, RUNBOOK, evidence);
    }

    private static Alerts.Finding perIp(BurstSpec.Tally tally, int threshold, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("sourceIp", "errors", tally, threshold, window);
        evidence.put("principals", tally.tokens());
        return new Alerts.Finding(ID, "AccessDenied burst from " + tally.entity(),
                tally.count() + " calls from " + tally.entity() + " were denied in the " + Durations.format(window)
                        + " window from " + Instant.ofEpochMilli(tally.start()) + ", made by " + tally.tokens().size()
                        + " principals: " + BurstEvidence.head(tally.tokens()),
                Severity.MEDIUM, MITRE, RUNBOOK, evidence);
    }
}
