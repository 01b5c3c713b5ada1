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
import org.apache.kafka.streams.kstream.Named;

/**
 * Failed console login burst: at least {@code burst.failed-login.threshold} (10) failed {@code ConsoleLogin}s within
 * {@code burst.failed-login.window} (5 minutes) of event time from one source IP make one HIGH alert for that burst,
 * listing the user names tried; failures that arrive later in the same window fold into a follow-up with the same
 * alert id. Windows are aligned to the epoch ({@link BurstCounter}): the id and the last update do not depend on which
 * failure arrives first, and a burst that straddles a window boundary counts in each window separately. A second key space counts failures per target user (account + user name) across source IPs, and alerts
 * when they come from two or more IPs: a distributed guess at one user that no single IP shows. (From one IP the
 * per-IP alert already says it; requiring a second IP keeps one attack from raising two alerts.)
 *
 * <p>Why: a burst of failed passwords is a guessing attack on the console; it matters most against users without
 * MFA, and it is the step before {@code console-bruteforce-success}.
 *
 * <p>False positives: a person who forgot a password and retries, a password manager or script with a stale
 * password, many users behind one corporate NAT address at the start of a working day.
 *
 * <p>ATT&amp;CK: T1110 Brute Force, T1110.001 Password Guessing.
 */
public final class FailedConsoleLoginBurstDetector {

    public static final String ID = "failed-console-login-burst";
    private static final List<String> MITRE = List.of("T1110", "T1110.001");
    private static final String RUNBOOK = "Find who owns the source IP (VPN, office NAT, cloud host) and whether the "
            + "targeted users know of the attempts. Look for a successful ConsoleLogin from the same IP (see "
            + "console-bruteforce-success) and for the targeted users' later activity. Make sure every targeted user "
            + "has MFA; block the IP at the edge if it is not yours; reset passwords that may have been guessed.";

    private final DetectionKit kit;
    private final BurstSpec byIp;
    private final BurstSpec byUser;

    FailedConsoleLoginBurstDetector(DetectorConfig config, DetectionKit kit) {
        int threshold = config.get(BurstSettings.FAILED_LOGIN_THRESHOLD);
        Duration window = config.get(BurstSettings.FAILED_LOGIN_WINDOW);
        Duration grace = config.get(BurstSettings.GRACE);
        this.kit = kit;
        this.byIp = new BurstSpec(ID, "by-ip", window, grace, threshold, 1, CloudTrailEvent::sourceIpAddress,
                ConsoleLogins::target, tally -> perIp(tally, threshold, window));
        this.byUser = new BurstSpec(ID, "by-user", window, grace, threshold, 2,
                e -> e.recipientAccountId() + '/' + ConsoleLogins.userName(e), CloudTrailEvent::sourceIpAddress,
                tally -> perUser(tally, threshold, window));
    }

    /** True when the event counts toward a failed-login burst: a failed console login, whoever it was for. */
    public static boolean countsTowardBurst(CloudTrailEvent event) {
        return ConsoleLogins.isFailed(event);
    }

    /** @param loginsByIp the console logins repartitioned by source IP ({@link ConsoleLogins#byIp}) */
    Detections detect(EventRouter events, KStream<String, CloudTrailEvent> loginsByIp) {
        KStream<String, CloudTrailEvent> failuresByIp = loginsByIp
                .filter(OriginStamp.passing(FailedConsoleLoginBurstDetector::countsTowardBurst),
                        Named.as(byIp.name() + "-filter"));
        // Per user needs no repartition: a user belongs to one account, and the input is keyed by account.
        return Detections.all(Bursts.count(failuresByIp, byIp, kit), Bursts.count(events,
                e -> countsTowardBurst(e) && ConsoleLogins.userName(e) != null && e.sourceIpAddress() != null,
                byUser, kit));
    }

    private static Alerts.Finding perIp(BurstSpec.Tally tally, int threshold, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("sourceIp", "failures", tally, threshold, window);
        evidence.put("targetUsers", tally.tokens());
        return new Alerts.Finding(ID, "Failed console login burst from " + tally.entity(),
                tally.count() + " failed console logins from " + tally.entity() + " in the "
                        + Durations.format(window) + " window from " + Instant.ofEpochMilli(tally.start()) + ", for "
                        + tally.tokens().size() + " user name(s): " + BurstEvidence.head(tally.tokens()),
                Severity.HIGH, MITRE, RUNBOOK, evidence);
    }

    private static Alerts.Finding perUser(BurstSpec.Tally tally, int threshold, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("userName", "failures", tally, threshold, window);
        evidence.put("sourceIps", tally.tokens());
        return new Alerts.Finding(ID, "Failed console login burst for " + tally.entity(),
                tally.count() + " failed console logins for user " + tally.entity() + " in the "
                        + Durations.format(window) + " window from " + Instant.ofEpochMilli(tally.start()) + ", from "
                        + BurstEvidence.head(tally.tokens()),
                Severity.HIGH, MITRE, RUNBOOK, evidence);
    }
}
