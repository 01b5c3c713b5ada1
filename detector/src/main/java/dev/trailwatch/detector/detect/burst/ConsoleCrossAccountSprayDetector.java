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
 * Cross-account console spray: one source IP fails console logins against at least
 * {@code burst.cross-account-spray.accounts} (2) accounts of the organization, with at least
 * {@code burst.cross-account-spray.failures} (4) failures in all, within {@code burst.cross-account-spray.window}
 * (30 minutes) of event time, windows aligned to the epoch ({@link BurstCounter}): one HIGH alert listing the
 * accounts. Each account's CloudTrail records only its own
 * failures, so no per-account view shows this; the per-IP repartition of console logins the other console detections
 * share puts the accounts side by side.
 *
 * <p>Why: an attacker with a list of account ids (from a leaked config, a public repository, an earlier foothold) and
 * a few passwords tries them across the organization, staying under every per-account threshold.
 *
 * <p>False positives: an administrator who works in several accounts and mistypes in each within half an hour; a
 * shared egress address (VPN, NAT) used by people of several accounts on a bad morning.
 *
 * <p>ATT&amp;CK: T1110.003 Password Spraying, T1110.001 Password Guessing.
 */
public final class ConsoleCrossAccountSprayDetector {

    public static final String ID = "console-cross-account-spray";
    private static final List<String> MITRE = List.of("T1110.003", "T1110.001");
    private static final String RUNBOOK = "Find who owns the source IP. For each listed account, check the targeted"
            + " user names and whether any login from this IP succeeded (console-bruteforce-success alerts on it)."
            + " Block the IP at the edge if it is not yours, enforce MFA on the targeted users, and ask where the"
            + " attacker could have learned the account ids.";

    private final DetectionKit kit;
    private final BurstSpec spec;

    ConsoleCrossAccountSprayDetector(DetectorConfig config, DetectionKit kit) {
        int accounts = config.get(BurstSettings.CROSS_ACCOUNT_SPRAY_ACCOUNTS);
        int failures = Math.max(accounts, config.get(BurstSettings.CROSS_ACCOUNT_SPRAY_FAILURES));
        Duration window = config.get(BurstSettings.CROSS_ACCOUNT_SPRAY_WINDOW);
        this.kit = kit;
        this.spec = new BurstSpec(ID, "by-ip", window, config.get(BurstSettings.GRACE), failures, accounts,
                CloudTrailEvent::sourceIpAddress, CloudTrailEvent::recipientAccountId,
                tally -> finding(tally, accounts, window));
    }

    /** @param loginsByIp the console logins repartitioned by source IP ({@link ConsoleLogins#byIp}) */
    Detections detect(KStream<String, CloudTrailEvent> loginsByIp) {
        KStream<String, CloudTrailEvent> failures = loginsByIp
                .filter(OriginStamp.passing(e -> ConsoleLogins.isFailed(e) && e.recipientAccountId() != null),
                        Named.as(spec.name() + "-filter"));
        return Bursts.count(failures, spec, kit);
    }

    private static Alerts.Finding finding(BurstSpec.Tally tally, int accounts, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("sourceIp", "failures", tally, accounts, window);
        evidence.put("distinctAccounts", tally.tokens().size());
        evidence.put("accounts", tally.tokens());
        return new Alerts.Finding(ID, "Console logins failing across " + tally.tokens().size() + " accounts from "
                + tally.entity(), tally.entity() + " failed " + tally.count() + " console logins across "
                + tally.tokens().size() + " accounts of the organization (" + BurstEvidence.head(tally.tokens())
                + ") in the " + Durations.format(window) + " window from " + Instant.ofEpochMilli(tally.start()) + ".",
                Severity.HIGH, MITRE, RUNBOOK, evidence);
    }
}
