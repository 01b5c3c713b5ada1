package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Console brute force then success: a failed-login burst from a source IP (as {@code failed-console-login-burst}
 * defines it: {@code burst.failed-login.threshold} failures in one window of {@code burst.failed-login.window},
 * windows aligned to the epoch) followed, from the start of the burst's window to
 * {@code burst.bruteforce-success.within} (1 hour) after its end, by a successful {@code ConsoleLogin} from the same
 * IP. One CRITICAL alert per burst and identity that got in (account and user or role), at once; its further logins
 * in that time fold into one follow-up with the same alert id. The evidence says whether that user was among the ones
 * the failures tried (guessed) or not (sprayed, or someone else behind the same address), and links the burst's own
 * alert. Failures that run over a window boundary make a burst in each window that holds the threshold, and a login
 * after them is reported for each.
 *
 * <p>Same failures and logins, same alerts: a login read before its failures still correlates, and each alert's
 * final record (its logins, count, anchor) does not depend on arrival order ({@link BruteforceCorrelator}).
 *
 * <p>Why: the failures alone are an attempt; a login after them from the same address is probably a guessed password
 * in use. Everything that identity did afterwards is suspect until proven otherwise.
 *
 * <p>False positives: the person who mistyped their own password ten times and then got it right; a busy shared
 * address (office NAT, VPN egress) where one person's failures and another person's login meet.
 *
 * <p>ATT&amp;CK: T1110 Brute Force, T1078.004 Valid Accounts: Cloud Accounts.
 */
public final class ConsoleBruteforceSuccessDetector {

    public static final String ID = "console-bruteforce-success";
    private static final List<String> MITRE = List.of("T1110", "T1078.004");
    private static final String RUNBOOK = "Treat the identity as compromised until its owner confirms the login: ask "
            + "them now, out of band. If not confirmed: reset its console password, deactivate its access keys, "
            + "require MFA, revoke its sessions, and review everything it did since the login (CloudTrail by "
            + "principal and by source IP). Block the source IP if it is not yours.";

    private final DetectionKit kit;
    private final CorrelationLimits limits;

    ConsoleBruteforceSuccessDetector(DetectorConfig config, DetectionKit kit) {
        this.kit = kit;
        this.limits = new CorrelationLimits(config.get(BurstSettings.FAILED_LOGIN_THRESHOLD),
                config.get(BurstSettings.FAILED_LOGIN_WINDOW).toMillis(),
                config.get(BurstSettings.BRUTEFORCE_SUCCESS_WITHIN).toMillis(),
                kit.graceMillis(config.get(BurstSettings.GRACE)));
    }

    /** @param loginsByIp the console logins repartitioned by source IP ({@link ConsoleLogins#byIp}) */
    Detections detect(KStream<String, CloudTrailEvent> loginsByIp) {
        return Bursts.split(loginsByIp.process(new Supplier(limits, kit), Named.as(ID)), ID);
    }

    private static Alerts.Finding finding(CorrelationLimits limits, String ip, FailureBurst burst,
                                          Login login, long count) {
        boolean targeted = burst.targets().contains(login.target());
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("sourceIp", ip);
        evidence.put("identity", login.identity());
        evidence.put("account", login.anchor().accountId());
        evidence.put("user", login.target());
        evidence.put("userWasTargeted", targeted);
        evidence.put("logins", count);
        evidence.put("failures", burst.count());
        evidence.put("targetUsers", burst.targets());
        evidence.put("threshold", limits.threshold());
        evidence.put("window", Durations.format(Duration.ofMillis(limits.window())));
        evidence.put("within", Durations.format(Duration.ofMillis(limits.within())));
        evidence.put("burstStart", Instant.ofEpochMilli(burst.start()).toString());
        evidence.put("burstEnd", Instant.ofEpochMilli(burst.end()).toString());
        evidence.put("burstAlertId", AlertIds.of(FailedConsoleLoginBurstDetector.ID, "by-ip|" + ip, burst.start()));
        return new Alerts.Finding(ID, "Console login from " + ip + " after a failed-login burst: " + login.identity(),
                login.identity() + " logged in to the console of account " + login.anchor().accountId() + " from "
                        + ip + " at " + Instant.ofEpochMilli(login.time()) + ", after " + burst.count()
                        + " failed console logins from that IP starting " + Instant.ofEpochMilli(burst.start())
                        + (targeted ? ", this user among them" : ", for other users: "
                        + BurstEvidence.head(burst.targets())),
                Severity.CRITICAL, MITRE, RUNBOOK, evidence);
    }

    private record Supplier(CorrelationLimits limits, DetectionKit kit)
            implements ProcessorSupplier<String, CloudTrailEvent, String, BurstOutcome> {

        @Override
        public Processor<String, CloudTrailEvent, String, BurstOutcome> get() {
            return new BruteforceCorrelator(ID, limits, (ip, burst, login, count) -> finding(limits, ip, burst,
                    login, count), kit);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return BurstStores.named(ID).builders();
        }
    }
}
