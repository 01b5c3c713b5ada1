package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static dev.trailwatch.detector.detect.burst.BurstEvents.lateEventIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One source IP failing to log in as many different users: one alert per spray window. */
class ConsolePasswordSprayDetectorTest {

    private static final String ID = ConsolePasswordSprayDetector.ID;

    @Test
    void alertsWhenOneIpFailsAsFiveUsersWithinTenMinutes() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 5; i++) {
                topology.pipe(failedLogin(ATTACKER, "user" + i, at(Duration.ofMinutes(2L * i))));
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.sourceIp()).isEqualTo(ATTACKER);
            assertThat(alert.mitre()).containsExactly("T1110.003");
            assertThat(alert.eventCount()).isEqualTo(5);
            assertThat(alert.evidence()).containsEntry("distinctUsers", 5).containsEntry("window", "10m")
                    .containsEntry("users", List.of("111122223333/user0", "111122223333/user1",
                            "111122223333/user2", "111122223333/user3", "111122223333/user4"));
        }
    }

    @Test
    void staysQuietWhenManyFailuresTryOnlyFourUsers() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 8; i++) {
                topology.pipe(failedLogin(ATTACKER, "user" + (i % 4), at(Duration.ofMinutes(i))));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheFifthUserIsJustOutsideTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 4; i++) {
                topology.pipe(failedLogin(ATTACKER, "user" + i, at(Duration.ofMinutes(i))));
            }
            topology.pipe(failedLogin(ATTACKER, "user4", at(Duration.ofMinutes(10))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenCloudTrailHidTheUserNames() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 6; i++) {
                topology.pipe(failedLogin(ATTACKER, ConsoleLogins.HIDDEN, at(Duration.ofMinutes(i))));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheUsersAreTriedFromDifferentIps() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 5; i++) {
                topology.pipe(failedLogin("192.0.2." + i, "user" + i, at(Duration.ofMinutes(i))));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenLaterUsersFoldIntoOneFollowUpWithTheSameId() {
        try (TopologyHarness topology = new TopologyHarness()) {
            TestEvents repeat = failedLogin(ATTACKER, "user6", at(Duration.ofMinutes(6)));
            for (int i = 0; i < 7; i++) {
                topology.pipe(i == 6 ? repeat : failedLogin(ATTACKER, "user" + i, at(Duration.ofMinutes(i))));
            }
            topology.pipe(repeat);
            List<Alert> first = alertsOf(topology, ID);
            assertThat(first).hasSize(1);

            // Window [T0, T0+10m) plus 15 min grace.
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(26))));

            List<Alert> followUps = alertsOf(topology, ID);
            assertThat(followUps).hasSize(1);
            assertThat(followUps.get(0).alertId()).isEqualTo(first.get(0).alertId());
            assertThat(followUps.get(0).eventCount()).isEqualTo(7);
            assertThat(followUps.get(0).evidence()).containsEntry("distinctUsers", 7);
        }
    }

    @Test
    void alertsWhenALateFailureWithinGraceIsTheFifthUser() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 4; i++) {
                topology.pipe(failedLogin(ATTACKER, "user" + i, at(Duration.ofMinutes(i))));
            }
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(24))));
            topology.pipe(failedLogin(ATTACKER, "user4", at(Duration.ofMinutes(5))));

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void staysQuietAndDeadLettersAFailureLaterThanWindowPlusGrace() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 4; i++) {
                topology.pipe(failedLogin(ATTACKER, "user" + i, at(Duration.ofMinutes(20 + i))));
            }
            topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofMinutes(27))));
            TestEvents late = failedLogin(ATTACKER, "user4", at(Duration.ofMinutes(1)));
            topology.pipe(late);

            assertThat(alertsOf(topology, ID)).isEmpty();
            assertThat(lateEventIds(topology)).contains(late.eventId());
        }
    }

    @Test
    void alertsWithThePendingFollowUpWhenTheInputEnds() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            for (int i = 0; i < 6; i++) {
                topology.pipe(failedLogin(ATTACKER, "user" + i, T0.plusSeconds(30L * i)));
            }
            assertThat(alertsOf(topology, ID)).hasSize(1);

            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            assertThat(alertsOf(topology, ID)).extracting(Alert::eventCount).containsExactly(6L);
        }
    }

    @Test
    void alertsWithAConfiguredNumberOfUsers() {
        Map<String, String> settings = Map.of("burst.password-spray.users", "3");
        try (TopologyHarness topology = new TopologyHarness(settings, FlushSignal.never())) {
            for (int i = 0; i < 3; i++) {
                topology.pipe(failedLogin(ATTACKER, "user" + i, at(Duration.ofMinutes(i))));
            }

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }
}
