package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One source IP failing console logins against several accounts of the organization. */
class ConsoleCrossAccountSprayDetectorTest {

    private static final String ID = ConsoleCrossAccountSprayDetector.ID;

    private static TestEvents failedIn(String account, String user, Instant time) {
        TestEvents e = failedLogin(ATTACKER, user, time);
        e.json().put("recipientAccountId", account);
        e.json().with("userIdentity").put("accountId", account);
        return e;
    }

    @Test
    void alertsWhenOneIpFailsAgainstTwoAccountsWithFourFailures() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(failedIn("111122223333", "admin", at(Duration.ofMinutes(1))));
            topology.pipe(failedIn("111122223333", "admin", at(Duration.ofMinutes(2))));
            topology.pipe(failedIn("444455556666", "admin", at(Duration.ofMinutes(5))));
            assertThat(alertsOf(topology, ID)).as("three failures").isEmpty();
            topology.pipe(failedIn("444455556666", "ops", at(Duration.ofMinutes(9))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).severity()).isEqualTo(Severity.HIGH);
            assertThat(alerts.get(0).sourceIp()).isEqualTo(ATTACKER);
            assertThat(alerts.get(0).evidence()).containsEntry("accounts", List.of("111122223333", "444455556666"));
        }
    }

    @Test
    void staysQuietWhenAllFailuresHitOneAccount() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 8; i++) {
                topology.pipe(failedIn("111122223333", "user" + i, at(Duration.ofMinutes(i))));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheSecondAccountIsOutsideTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 3; i++) {
                topology.pipe(failedIn("111122223333", "admin", at(Duration.ofMinutes(i))));
            }
            topology.pipe(failedIn("444455556666", "admin", at(Duration.ofMinutes(31))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }
}
