package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedRootLogin;
import static dev.trailwatch.detector.detect.burst.BurstEvents.lateEventIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failed console logins: one alert per burst per source IP, and per user when the failures come from many IPs. */
class FailedConsoleLoginBurstDetectorTest {

    private static final String ID = FailedConsoleLoginBurstDetector.ID;

    @Test
    void alertsOnceWhenTenFailuresFromOneIpFallWithinFiveMinutes() {
        try (TopologyHarness topology = new TopologyHarness()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                TestEvents failure = failedLogin(ATTACKER, i % 2 == 0 ? "alice" : "bob", atSeconds(20L * i));
                ids.add(failure.eventId());
                topology.pipe(failure);
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.sourceIp()).isEqualTo(ATTACKER);
            assertThat(alert.eventCount()).isEqualTo(10);
            assertThat(alert.eventIds()).containsExactlyElementsOf(ids);
            assertThat(alert.firstEventTime()).isEqualTo(T0);
            assertThat(alert.lastEventTime()).isEqualTo(atSeconds(180));
            assertThat(alert.mitre()).containsExactly("T1110", "T1110.001");
            assertThat(alert.title()).contains(ATTACKER);
            assertThat(alert.evidence()).containsEntry("keyedBy", "sourceIp").containsEntry("threshold", 10)
                    .containsEntry("window", "5m")
                    .containsEntry("targetUsers", List.of("111122223333/alice", "111122223333/bob"));
        }
    }

    @Test
    void staysQuietWhenNineFailuresFallWithinTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 9; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(20L * i)));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheTenthFailureIsJustOutsideTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeNineFailuresOverFourAndAHalfMinutes(topology);
            topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(5))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenTheTenthFailureIsJustInsideTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeNineFailuresOverFourAndAHalfMinutes(topology);
            topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(5).minusSeconds(1))));

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    /**
     * The trade-off of windows aligned to the epoch, which make the alert a function of the failures whatever their
     * order of arrival: a burst that straddles a window boundary counts in each window separately.
     */
    @Test
    void staysQuietWhenTenFailuresStraddleAWindowBoundaryAndAlertsWhenTheNextWindowFills() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(4)).plusSeconds(10L + 10L * i)));
            }
            assertThat(alertsOf(topology, ID)).as("T0+4m10s to T0+5m40s: five in [T0, T0+5m), five in the next")
                    .isEmpty();

            for (int i = 0; i < 5; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(6)).plusSeconds(10L * i)));
            }
            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).eventCount()).isEqualTo(10);
            assertThat(alerts.get(0).firstEventTime()).isEqualTo(at(Duration.ofMinutes(5)));
            assertThat(alerts.get(0).evidence()).containsEntry("windowStart", at(Duration.ofMinutes(5)).toString())
                    .containsEntry("windowEnd", at(Duration.ofMinutes(10)).toString());
        }
    }

    @Test
    void alertsWithTheSameIdAndTheSameLastUpdateWhateverFailureArrivesFirst() {
        List<TestEvents> failures = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            failures.add(failedLogin(ATTACKER, i % 3 == 0 ? "alice" : "bob", atSeconds(20L * i))
                    .set("userAgent", "agent-" + i));
        }
        List<TestEvents> reversed = new ArrayList<>(failures);
        java.util.Collections.reverse(reversed);
        Alert inOrder = lastAlert(failures);
        Alert outOfOrder = lastAlert(reversed);

        assertThat(outOfOrder.alertId()).isEqualTo(inOrder.alertId());
        assertThat(outOfOrder.eventIds()).isEqualTo(inOrder.eventIds())
                .isEqualTo(failures.stream().map(TestEvents::eventId).toList());
        assertThat(outOfOrder.eventCount()).isEqualTo(12);
        assertThat(outOfOrder.userAgent()).isEqualTo(inOrder.userAgent()).isEqualTo("agent-0");
        assertThat(outOfOrder.firstEventTime()).isEqualTo(T0);
        assertThat(outOfOrder.evidence()).isEqualTo(inOrder.evidence());
        assertThat(outOfOrder.evidence()).containsEntry("targetUsers",
                List.of("111122223333/alice", "111122223333/bob"));
    }

    /** The last alert (first or update) the failures leave once their window has closed. */
    private static Alert lastAlert(List<TestEvents> failures) {
        try (TopologyHarness topology = new TopologyHarness()) {
            failures.forEach(topology::pipe);
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofHours(1))));
            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).isNotEmpty();
            return alerts.get(alerts.size() - 1);
        }
    }

    @Test
    void alertsWhenFailuresFoldIntoOneFollowUpWithTheSameIdAsTheWindowCloses() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 15; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            List<Alert> first = alertsOf(topology, ID);
            assertThat(first).hasSize(1);

            // Window [T0, T0+5m) plus 15 min grace: closed once stream time passes T0+20m.
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(20))));
            assertThat(alertsOf(topology, ID)).isEmpty();
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(21))));

            List<Alert> followUps = alertsOf(topology, ID);
            assertThat(followUps).hasSize(1);
            Alert followUp = followUps.get(0);
            assertThat(followUp.alertId()).isEqualTo(first.get(0).alertId());
            assertThat(followUp.eventCount()).isEqualTo(15);
            assertThat(followUp.eventIds()).hasSize(15);
            assertThat(followUp.firstEventTime()).isEqualTo(T0);
            assertThat(followUp.lastEventTime()).isEqualTo(atSeconds(140));
            assertThat(followUp.evidence()).containsEntry("failures", 15);
        }
    }

    @Test
    void staysQuietWhenTheWindowClosesWithNothingFoldedIntoTheAlert() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            assertThat(alertsOf(topology, ID)).hasSize(1);

            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofHours(1))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsAgainWithANewIdForTheNextBurstAfterTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            for (int i = 0; i < 10; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(6)).plusSeconds(10L * i)));
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(2);
            assertThat(alerts.get(1).alertId()).isNotEqualTo(alerts.get(0).alertId());
            assertThat(alerts.get(1).firstEventTime()).isEqualTo(at(Duration.ofMinutes(6)));
        }
    }

    @Test
    void staysQuietWhenOneFailureIsDeliveredTwice() {
        try (TopologyHarness topology = new TopologyHarness()) {
            TestEvents twice = failedLogin(ATTACKER, "alice", T0);
            topology.pipe(twice);
            for (int i = 1; i < 9; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            topology.pipe(twice);

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenALateFailureWithinGraceCompletesTheBurst() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 9; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(20L * i)));
            }
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(19))));
            // 19 minutes behind stream time: window (5m) + grace (15m) still reach it.
            topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(30)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).eventCount()).isEqualTo(10);
            assertThat(lateEventIds(topology)).isEmpty();
        }
    }

    /**
     * The contract's boundary (issue 10), with {@code burst.grace} shorter than {@code reorder.horizon}: the window's
     * last-second failure arriving exactly one horizon behind still completes the burst, as in event-time order.
     */
    @Test
    void alertsWhenAFailureExactlyOneHorizonBehindCompletesTheBurstThoughTheGraceIsShorter() {
        Map<String, String> settings = Map.of("burst.grace", "5m", "reorder.horizon", "15m");
        List<TestEvents> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.add(failedLogin(ATTACKER, "alice", atSeconds(20L * i)));
        }
        TestEvents last = failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(5)).minusSeconds(1));
        TestEvents oneHorizonOn = failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(20)).minusSeconds(1));
        TestEvents end = failedLogin(BYSTANDER, "carol", at(Duration.ofHours(2)));
        List<String> seen = new ArrayList<>();
        for (boolean lastArrivesLast : List.of(false, true)) {
            try (TopologyHarness topology = new TopologyHarness(settings, FlushSignal.never())) {
                nine.forEach(topology::pipe);
                topology.pipe(lastArrivesLast ? oneHorizonOn : last);
                topology.pipe(lastArrivesLast ? last : oneHorizonOn);
                topology.pipe(end);

                List<Alert> alerts = alertsOf(topology, ID);
                assertThat(alerts).hasSize(1);
                assertThat(alerts.get(0).eventCount()).isEqualTo(10);
                assertThat(lateEventIds(topology)).doesNotContain(last.eventId());
                seen.add(alerts.get(0).alertId() + " " + alerts.get(0).eventIds());
            }
        }
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
    }

    @Test
    void staysQuietAndDeadLettersAFailureLaterThanWindowPlusGrace() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 9; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(15)).plusSeconds(20L * i)));
            }
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(21))));
            TestEvents late = failedLogin(ATTACKER, "alice", at(Duration.ofSeconds(59)));
            topology.pipe(late);

            assertThat(alertsOf(topology, ID)).isEmpty();
            assertThat(lateEventIds(topology)).contains(late.eventId());
            assertThat(topology.metrics.registry().get("trailwatch.events.rejected").tag("reason", "late")
                    .counter().count()).isPositive();
        }
    }

    @Test
    void alertsPerUserWhenFailuresForOneUserComeFromManyIps() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(failedLogin("192.0.2." + (10 + i), "alice", atSeconds(20L * i)));
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).evidence()).containsEntry("keyedBy", "userName")
                    .containsEntry("userName", "111122223333/alice");
            assertThat((List<?>) alerts.get(0).evidence().get("sourceIps")).hasSize(10);
            assertThat(alerts.get(0).eventCount()).isEqualTo(10);
        }
    }

    @Test
    void staysQuietPerUserWhenAllFailuresForTheUserComeFromOneIp() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 12; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(20L * i)));
            }

            assertThat(alertsOf(topology, ID)).extracting(a -> a.evidence().get("keyedBy"))
                    .containsExactly("sourceIp");
        }
    }

    @Test
    void alertsWhenCloudTrailHidTheTypedUserNamesOrTheTargetIsRoot() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 5; i++) {
                topology.pipe(failedLogin(ATTACKER, ConsoleLogins.HIDDEN, atSeconds(20L * i)));
                topology.pipe(failedRootLogin(ATTACKER, atSeconds(20L * i + 10)));
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).evidence()).containsEntry("targetUsers",
                    List.of("111122223333/(hidden)", "111122223333/root"));
        }
    }

    @Test
    void alertsWithEveryPendingFollowUpWhenTheInputEnds() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            for (int i = 0; i < 150; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", T0.plusMillis(1_000L * i)));
            }
            List<Alert> first = alertsOf(topology, ID);
            assertThat(first).hasSize(1);

            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            List<Alert> flushed = alertsOf(topology, ID);
            assertThat(flushed).hasSize(1);
            assertThat(flushed.get(0).alertId()).isEqualTo(first.get(0).alertId());
            assertThat(flushed.get(0).eventCount()).isEqualTo(150);
            assertThat(flushed.get(0).eventIds()).hasSize(Alert.MAX_EVENT_IDS);
        }
    }

    @Test
    void alertsWithConfiguredThresholdAndWindow() {
        Map<String, String> settings = Map.of("burst.failed-login.threshold", "3", "burst.failed-login.window", "1m");
        try (TopologyHarness topology = new TopologyHarness(settings, FlushSignal.never())) {
            topology.pipe(failedLogin(ATTACKER, "alice", T0));
            topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(30)));
            // T0+60s opens the next one-minute window: two failures in [T0, T0+1m) and one in the next are no burst.
            topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(60)));
            assertThat(alertsOf(topology, ID)).isEmpty();
            topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(50)));

            assertThat(alertsOf(topology, ID)).extracting(Alert::eventCount).containsExactly(3L);
        }
    }

    /** Failures at T0 and every 30 s from T0+1m to T0+4m30s: nine, and any 5-minute span from T0 holds all. */
    private static void pipeNineFailuresOverFourAndAHalfMinutes(TopologyHarness topology) {
        topology.pipe(failedLogin(ATTACKER, "alice", T0));
        for (int i = 0; i < 8; i++) {
            Instant time = at(Duration.ofMinutes(1)).plusSeconds(30L * i);
            topology.pipe(failedLogin(ATTACKER, "alice", time));
        }
    }

    @Test
    void reportsFailuresThatJoinAnOpenBurstWithinTheBoundWhenEventTimeStops() {
        try (TopologyHarness topology = new TopologyHarness(Map.of("alerts.report-within", "2m"), FlushSignal.never())) {
            for (int i = 0; i < 12; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", atSeconds(10L * i)));
            }
            List<Alert> first = alertsOf(topology, ID);
            assertThat(first).extracting(Alert::eventCount).containsExactly(10L);

            topology.advanceWallClock(Duration.ofMinutes(3));
            List<Alert> update = alertsOf(topology, ID);
            assertThat(update).hasSize(1);
            assertThat(update.get(0).alertId()).isEqualTo(first.get(0).alertId());
            assertThat(update.get(0).eventCount()).isEqualTo(12);

            // The window closes by event time later: everything was reported already.
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(21))));
            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }
}
