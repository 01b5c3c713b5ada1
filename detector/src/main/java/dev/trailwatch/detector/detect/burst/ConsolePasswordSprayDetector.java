package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Console password spray: one source IP fails to log in to the console as at least
 * {@code burst.password-spray.users} (5) distinct users within {@code burst.password-spray.window} (10 minutes) of
 * event time (windows aligned to the epoch, see {@link BurstCounter}): one HIGH alert for that burst listing the
 * users; later failures of the same window fold into a follow-up with the same alert id. Users are told apart by account and user name; failures whose user name
 * CloudTrail hid ({@code HIDDEN_DUE_TO_SECURITY_REASONS}: not a user of the account) cannot be told apart and do not
 * count here (the failed-login burst counts them).
 *
 * <p>Why: spraying tries one or two common passwords against many users, staying under per-user lockout and under
 * a per-IP failure count; the spread over users is its signature.
 *
 * <p>False positives: a shared workstation or jump host where several people mistype in the same minutes; a
 * corporate NAT or VPN egress address at the start of a day; an SSO misconfiguration that sends people to the IAM
 * sign-in page.
 *
 * <p>ATT&amp;CK: T1110.003 Password Spraying.
 */
public final class ConsolePasswordSprayDetector {

    public static final String ID = "console-password-spray";
    private static final List<String> MITRE = List.of("T1110.003");
    private static final String RUNBOOK = "Find who owns the source IP. List the targeted users and check each for a "
            + "successful ConsoleLogin from this IP afterwards (console-bruteforce-success alerts on it) and for "
            + "activity from unfamiliar places. Enforce MFA for every targeted user, reset passwords that are weak "
            + "or shared, and block the IP at the edge if it is not yours.";

    private final DetectionKit kit;
    private final BurstSpec spec;

    ConsolePasswordSprayDetector(DetectorConfig config, DetectionKit kit) {
        int users = config.get(BurstSettings.PASSWORD_SPRAY_USERS);
        Duration window = config.get(BurstSettings.PASSWORD_SPRAY_WINDOW);
        this.kit = kit;
        this.spec = new BurstSpec(ID, "by-ip", window, config.get(BurstSettings.GRACE), users, users,
                CloudTrailEvent::sourceIpAddress, ConsoleLogins::target, tally -> finding(tally, users, window));
    }

    /** True when the event counts toward a spray: a failed console login for a user name CloudTrail recorded. */
    public static boolean countsTowardSpray(CloudTrailEvent event) {
        return ConsoleLogins.isFailed(event) && ConsoleLogins.userName(event) != null;
    }

    /** @param loginsByIp the console logins repartitioned by source IP ({@link ConsoleLogins#byIp}) */
    Detections detect(KStream<String, CloudTrailEvent> loginsByIp) {
        KStream<String, CloudTrailEvent> failures = loginsByIp
                .filter(OriginStamp.passing(ConsolePasswordSprayDetector::countsTowardSpray),
                        Named.as(spec.name() + "-filter"));
        return Bursts.count(failures, spec, kit);
    }

    private static Alerts.Finding finding(BurstSpec.Tally tally, int users, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("sourceIp", "failures", tally, users, window);
        evidence.put("distinctUsers", tally.tokens().size());
        evidence.put("users", tally.tokens());
        return new Alerts.Finding(ID, "Console password spray from " + tally.entity(),
                tally.entity() + " failed to log in to the console as " + tally.tokens().size()
                        + " different users in the " + Durations.format(window) + " window from "
                        + Instant.ofEpochMilli(tally.start()) + " (" + tally.count() + " failures): "
                        + BurstEvidence.head(tally.tokens()),
                Severity.HIGH, MITRE, RUNBOOK, evidence);
    }
}
