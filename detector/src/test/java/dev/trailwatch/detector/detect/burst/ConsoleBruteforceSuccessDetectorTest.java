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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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

    @Test
    void givesTheSameFinalAlertsWhateverOrderTheFailuresAndLoginsArriveIn() {
        List<TestEvents> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(failedLogin(ATTACKER, i % 3 == 0 ? "bob" : "alice", atSeconds(20L * i)));
        }
        events.add(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(2))));
        events.add(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(12))));
        events.add(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(9))));
        events.add(successfulLogin(ATTACKER, "bob", at(Duration.ofMinutes(14))));
        Set<Map<String, List<Object>>> finals = new HashSet<>();
        Random random = new Random(10);
        for (int run = 0; run < 5; run++) {
            List<TestEvents> order = new ArrayList<>(events);
            if (run == 1) {
                Collections.reverse(order);
            } else if (run > 1) {
                Collections.shuffle(order, random);
            }
            try (TopologyHarness topology = new TopologyHarness()) {
                order.forEach(topology::pipe);
                topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofHours(2))));
                Map<String, List<Object>> last = new TreeMap<>();
                for (Alert a : alertsOf(topology, ID)) {
                    last.put(a.alertId(), List.of(a.principal(), a.severity(), a.eventIds(), a.eventCount(),
                            a.firstEventTime(), a.lastEventTime(), a.evidence().get("failures")));
                }
                finals.add(last);
            }
        }
        assertThat(finals).hasSize(1);
        Map<String, List<Object>> only = finals.iterator().next();
        assertThat(only.values()).extracting(v -> v.get(0)).containsExactlyInAnyOrder(arn("alice"), arn("bob"));
        List<Object> alice = only.values().stream().filter(v -> v.get(0).equals(arn("alice"))).findFirst().get();
        assertThat(alice.get(2)).isEqualTo(List.of(events.get(12).eventId(), events.get(14).eventId(),
                events.get(13).eventId()));
        assertThat(alice.get(3)).isEqualTo(3L);
        assertThat(alice.get(4)).isEqualTo(at(Duration.ofMinutes(2)));
        assertThat(alice.get(6)).isEqualTo(12);
    }

    @Test
    void countsFailuresStraddlingAWindowBoundaryInEachWindowSeparately() {
        try (TopologyHarness topology = new TopologyHarness()) {
            // Ten failures within two minutes, but five on each side of 10:05: neither aligned window is a burst.
            for (int i = 0; i < 10; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(4)).plusSeconds(12L * i)));
            }
            topology.pipe(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(7))));
            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void reportsALoginAfterFailuresFillingTwoWindowsOncePerBurst() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 20; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(30L * i)));
            }
            topology.pipe(successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(9))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(2);
            assertThat(alerts).extracting(a -> a.evidence().get("burstStart"))
                    .containsExactlyInAnyOrder(T0.toString(), at(Duration.ofMinutes(5)).toString());
        }
    }

    /**
     * {@code burst.grace} shorter than {@code reorder.horizon}: a failure one horizon behind is within the contract
     * (issue 10), so the correlation takes it as event-time order does, instead of dead-lettering it as late once its
     * window plus the grace alone has passed.
     */
    @Test
    void countsAFailureExactlyOneHorizonBehindWhenTheGraceIsShorter() {
        List<TestEvents> failures = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            failures.add(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
        }
        TestEvents tenth = failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(4)));
        TestEvents login = successfulLogin(ATTACKER, "alice", at(Duration.ofMinutes(12)));
        TestEvents oneHorizonOn = failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(19)));
        TestEvents end = failedLogin(BYSTANDER, "carol", at(Duration.ofHours(3)));

        List<TestEvents> sorted = new ArrayList<>(failures);
        sorted.addAll(List.of(tenth, login, oneHorizonOn, end));
        List<TestEvents> tenthOneHorizonBehind = new ArrayList<>(failures);
        tenthOneHorizonBehind.addAll(List.of(login, oneHorizonOn, tenth, end));

        Map<String, String> settings = Map.of("burst.grace", "5m", "reorder.horizon", "15m");
        Map<String, List<Object>> expected = finalAlerts(settings, sorted, tenth);
        assertThat(expected.values()).extracting(v -> v.get(0)).contains(ID);
        assertThat(finalAlerts(settings, tenthOneHorizonBehind, tenth)).isEqualTo(expected);
    }

    /** The last alert of every id (rule, severity, events, count) after these records, {@code notLate} not late. */
    private static Map<String, List<Object>> finalAlerts(Map<String, String> settings, List<TestEvents> order,
                                                         TestEvents notLate) {
        try (TopologyHarness topology = new TopologyHarness(settings, FlushSignal.never())) {
            order.forEach(topology::pipe);
            assertThat(lateEventIds(topology)).doesNotContain(notLate.eventId());
            Map<String, List<Object>> last = new TreeMap<>();
            for (Alert a : topology.alertValues()) {
                last.put(a.alertId(), List.of(a.ruleId(), a.severity(), a.eventIds(), a.eventCount()));
            }
            return last;
        }
    }

    private static void pipeBurst(TopologyHarness topology) {
        for (int i = 0; i < 10; i++) {
            topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
        }
    }
}
