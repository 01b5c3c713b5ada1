package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.arn;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static dev.trailwatch.detector.detect.burst.BurstEvents.lateEventIds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.successfulLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A successful console login from an IP that just had a failed-login burst: one CRITICAL per identity that got in. */
class ConsoleBruteforceSuccessDetectorTest {

    private static final String ID = ConsoleBruteforceSuccessDetector.ID;
    /** The burst below: ten failures for alice from T0 to T0+90s; window [T0, T0+5m). */
    private static final Instant BURST_END = at(Duration.ofMinutes(5));

    @Test
    void alertsWhenALoginFollowsAFailedLoginBurstFromTheSameIp() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeBurst(topology);
            List<Alert> bursts = alertsOf(topology, FailedConsoleLoginBurstDetector.ID);
            TestEvents login = successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(12)));
            topology.pipe(login);

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(alert.accountId()).isEqualTo(ACCOUNT);
            assertThat(alert.principal()).isEqualTo(arn("alice"));
            assertThat(alert.sourceIp()).isEqualTo(ATTACKER);
            assertThat(alert.eventIds()).containsExactly(login.eventId());
            assertThat(alert.mitre()).containsExactly("T1110", "T1078.004");
            assertThat(alert.title()).contains(ATTACKER).contains(arn("alice"));
            assertThat(alert.evidence()).containsEntry("userWasTargeted", true).containsEntry("failures", 10)
                    .containsEntry("user", ACCOUNT + "/alice")
                    .containsEntry("burstAlertId", bursts.get(0).alertId());
        }
    }

    @Test
    void staysQuietWhenTheLoginComesFromAnotherIp() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeBurst(topology);
            topology.pipe(successfulLogin(BYSTANDER, "alice", at(Duration.ofMinutes(12))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenNineFailuresPrecedeTheLogin() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 9; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            topology.pipe(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(2))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenTheLoginIsJustInsideAnHourAfterTheBurstWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeBurst(topology);
            topology.pipe(successfulLogin(ATTACKER, "bob", BURST_END.plus(Duration.ofHours(1)).minusSeconds(1)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).evidence()).containsEntry("userWasTargeted", false);
        }
    }

    @Test
    void staysQuietWhenTheLoginIsAnHourAfterTheBurstWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeBurst(topology);
            topology.pipe(successfulLogin(ATTACKER, "alice", BURST_END.plus(Duration.ofHours(1))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheLoginPrecedesTheBurst() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(successfulLogin(ATTACKER, "alice", T0.minusSeconds(1)));
            pipeBurst(topology);

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenTheLoginIsReadBeforeTheFailuresThatPrecededIt() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(2))));
            pipeBurst(topology);

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void alertsOncePerIdentityAndFoldsItsRepeatLoginsIntoOneFollowUp() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeBurst(topology);
            TestEvents again = successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(30)));
            topology.pipe(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(10))));
            topology.pipe(successfulLogin(ATTACKER, "bob", at(Duration.ofMinutes(11))));
            topology.pipe(again).pipe(again);
            List<Alert> first = alertsOf(topology, ID);
            assertThat(first).extracting(Alert::principal).containsExactly(arn("alice"), arn("bob"));
            assertThat(first.get(0).alertId()).isNotEqualTo(first.get(1).alertId());

            // Correlation window [T0, T0+1h5m) plus 15 min grace.
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(81))));

            List<Alert> followUps = alertsOf(topology, ID);
            assertThat(followUps).hasSize(1);
            assertThat(followUps.get(0).alertId()).isEqualTo(first.get(0).alertId());
            assertThat(followUps.get(0).eventCount()).isEqualTo(2);
            assertThat(followUps.get(0).lastEventTime()).isEqualTo(at(Duration.ofMinutes(30)));
        }
    }

    @Test
    void staysQuietAndDeadLettersALoginTooLateForAnyBurst() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofHours(2))));
            TestEvents late = successfulLogin(ATTACKER, "alice", T0);
            topology.pipe(late);
            pipeBurst(topology);

            assertThat(alertsOf(topology, ID)).isEmpty();
            assertThat(lateEventIds(topology)).contains(late.eventId());
        }
    }

    @Test
    void alertsWithThePendingFollowUpWhenTheInputEnds() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            pipeBurst(topology);
            topology.pipe(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(10))));
            topology.pipe(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(20))));
            assertThat(alertsOf(topology, ID)).hasSize(1);

            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            assertThat(alertsOf(topology, ID)).extracting(Alert::eventCount).containsExactly(2L);
        }
    }

    @Test
    void alertsWithAConfiguredCorrelationWindow() {
        Map<String, String> settings = Map.of("burst.bruteforce-success.within", "10m");
        try (TopologyHarness topology = new TopologyHarness(settings, FlushSignal.never())) {
            pipeBurst(topology);
            topology.pipe(successfulLogin(ATTACKER, "alice", BURST_END.plus(Duration.ofMinutes(10))));
            topology.pipe(successfulLogin(ATTACKER, "bob", BURST_END.plus(Duration.ofMinutes(9))));

            assertThat(alertsOf(topology, ID)).extracting(Alert::principal).containsExactly(arn("bob"));
        }
    }

    private static void pipeBurst(TopologyHarness topology) {
        for (int i = 0; i < 10; i++) {
            topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
        }
    }
}
