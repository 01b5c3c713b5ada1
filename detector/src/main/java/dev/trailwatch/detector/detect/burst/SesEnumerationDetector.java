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
import java.util.Set;

/**
 * SES enumeration: one principal asking Amazon SES, in {@code burst.ses-enumeration.calls} (3) distinct reads within
 * {@code burst.ses-enumeration.window} (10 minutes) of event time, whether the account can send mail, how much, and
 * from which addresses (windows aligned to the epoch, {@link BurstCounter}). One LOW alert listing the calls; reads
 * arriving later in the same window fold into a follow-up with the same alert id.
 *
 * <p>Counted: {@code ses.amazonaws.com} reads {@link #CALLS} (SES API v1 and v2), allowed or refused. Not counted:
 * calls AWS makes itself, and calls made from an AWS Management Console session ({@code sessionCredentialFromConsole}):
 * the SES console's account dashboard reads the quota, the sending status and the identities on every visit.
 *
 * <p>Why: stolen keys are checked for SES before they are used or sold for phishing and spam: GetSendQuota (can it
 * send, how much), GetAccountSendingEnabled, ListIdentities and the verification status of each identity (Permiso
 * and Datadog Security Labs' reports on SES abuse; Stratus Red Team {@code ses-enumerate} makes exactly these four
 * calls). The reads change nothing and are allowed, so no single record and no denied-call burst tells; the
 * first-service-use baseline only sees them in an account past its learning period that does not use SES. This
 * detection needs no baseline: it alerts from the first day, at LOW, since an application or dashboard that sends
 * mail reads the same things.
 *
 * <p>False positives: a mail-sending application or its admin dashboard reading the quota, statistics and verified
 * addresses (django-ses's dashboard does); inventory and posture scanners that read SES identities and account
 * settings with a role.
 *
 * <p>ATT&amp;CK: T1526 Cloud Service Discovery.
 */
public final class SesEnumerationDetector {

    public static final String ID = "ses-enumeration";
    static final String SOURCE = "ses.amazonaws.com";
    /** SES reads of sending capacity, sending status and identities (v1, then v2). */
    static final Set<String> CALLS = Set.of("GetSendQuota", "GetSendStatistics", "GetAccountSendingEnabled",
            "ListIdentities", "ListVerifiedEmailAddresses", "GetIdentityVerificationAttributes", "GetAccount",
            "ListEmailIdentities", "GetEmailIdentity");
    private static final List<String> MITRE = List.of("T1526");
    private static final String RUNBOOK = "Ask the principal's owner whether an application or dashboard of theirs "
            + "reads SES quota and identities. If not, treat the key as stolen: look for SendEmail/SendRawEmail, "
            + "CreateEmailIdentity/VerifyEmailIdentity, UpdateAccountSendingEnabled and PutAccountDetails (a request "
            + "for production access) by the same principal, disable the access key or revoke the role's sessions, and "
            + "check the SES sending statistics and bounces for mail you did not send.";

    private final DetectionKit kit;
    private final BurstSpec reads;

    SesEnumerationDetector(DetectorConfig config, DetectionKit kit) {
        int calls = config.get(BurstSettings.SES_ENUMERATION_CALLS);
        Duration window = config.get(BurstSettings.SES_ENUMERATION_WINDOW);
        Duration grace = config.get(BurstSettings.GRACE);
        this.kit = kit;
        this.reads = new BurstSpec(ID, "by-caller", window, grace, calls, calls, SesEnumerationDetector::principal,
                CloudTrailEvent::eventName, tally -> finding(tally, calls, window));
    }

    /** True when the event counts: an SES read by a principal that is not AWS's, outside a console session. */
    public static boolean countsTowardEnumeration(CloudTrailEvent event) {
        return SOURCE.equals(event.eventSource()) && CALLS.contains(event.eventName()) && !event.isAwsServiceCall()
                && present(event.principal()) && !event.isConsoleSessionCall();
    }

    Detections detect(EventRouter events) {
        return Bursts.count(events, SesEnumerationDetector::countsTowardEnumeration, reads, kit);
    }

    /**
     * The key: account and principal. (The key space is named {@code by-caller}: with {@code by-principal} two of its
     * store names share a hash bucket, and Kafka Streams' description would list them in an order that changes from
     * run to run.)
     */
    static String principal(CloudTrailEvent event) {
        return event.recipientAccountId() + '|' + event.principal();
    }

    private static boolean present(String text) {
        return text != null && !text.isEmpty();
    }

    private static Alerts.Finding finding(BurstSpec.Tally tally, int calls, Duration window) {
        String entity = tally.entity();
        String principal = entity.substring(entity.indexOf('|') + 1);
        Map<String, Object> evidence = BurstEvidence.of("principal", "reads", tally, calls, window);
        evidence.put("principal", principal);
        evidence.put("sesCalls", tally.tokens());
        return new Alerts.Finding(ID, "Amazon SES sending capacity and identities read by " + principal,
                principal + " made " + tally.count() + " SES reads, " + tally.tokens().size() + " different, in the "
                        + Durations.format(window) + " window from " + Instant.ofEpochMilli(tally.start()) + ": "
                        + BurstEvidence.head(tally.tokens()) + ". Whether an account can send mail, how much and "
                        + "from which addresses is what stolen keys are checked for before SES is used for phishing "
                        + "or spam.",
                Severity.LOW, MITRE, RUNBOOK, evidence);
    }
}
