package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sigma correlation rules from {@code rules.dir}, run in-stream on the burst machinery: one alert per correlation
 * hit, the condition judged on event-time windows, the order of arrival within the grace irrelevant.
 */
class SigmaCorrelationDetectorTest {

    private static final String BACKDOOR = "sigma-iam-user-backdoor-iam-user-backdoor";
    private static final String FAILURES = "sigma-console-failures-console-failures-by-ip";
    private static final String SPRAY = "sigma-console-failures-console-spray-by-ip";

    private static TopologyHarness topology() {
        try {
            Path dir = Path.of(SigmaCorrelationDetectorTest.class.getResource("/rules-sigma-correlations").toURI());
            return new TopologyHarness(Map.of("rules.dir", dir.toString()), FlushSignal.never());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestEvents iam(String eventName, String user, Instant time) {
        return TestEvents.event("iam.amazonaws.com", eventName, time).user(user).sourceIp(ATTACKER);
    }

    @Test
    void alertsOnceWhenOnePrincipalCreatesAUserThenAKeyThenAttachesAPolicyWithinTenMinutes() {
        try (TopologyHarness topology = topology()) {
            topology.pipe(iam("CreateUser", "mallory", at(Duration.ofMinutes(1))));
            topology.pipe(iam("CreateAccessKey", "mallory", at(Duration.ofMinutes(3))));
            assertThat(alertsOf(topology, BACKDOOR)).isEmpty();
            topology.pipe(iam("AttachUserPolicy", "mallory", at(Duration.ofMinutes(6))));

            List<Alert> alerts = alertsOf(topology, BACKDOOR);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.mitre()).contains("T1136.003");
            assertThat(alert.eventCount()).isEqualTo(3);
            assertThat(alert.title()).contains("arn:aws:iam::111122223333:user/mallory");
            assertThat(alert.evidence()).containsEntry("rulesMatched",
                    List.of("iam_create_user", "iam_create_access_key", "iam_attach_user_policy"));
        }
    }

    @Test
    void staysQuietWhenTheStepsComeInAnotherOrderOrFromDifferentPrincipals() {
        try (TopologyHarness topology = topology()) {
            topology.pipe(iam("AttachUserPolicy", "mallory", at(Duration.ofMinutes(1))));
            topology.pipe(iam("CreateUser", "mallory", at(Duration.ofMinutes(2))));
            topology.pipe(iam("CreateAccessKey", "mallory", at(Duration.ofMinutes(3))));
            topology.pipe(iam("CreateUser", "trent", at(Duration.ofMinutes(4))));
            topology.pipe(iam("CreateAccessKey", "alice", at(Duration.ofMinutes(5))));
            topology.pipe(iam("AttachUserPolicy", "bob", at(Duration.ofMinutes(6))));

            assertThat(alertsOf(topology, BACKDOOR)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheLastStepIsJustOutsideTheTimespan() {
        try (TopologyHarness topology = topology()) {
            topology.pipe(iam("CreateUser", "mallory", T0));
            topology.pipe(iam("CreateAccessKey", "mallory", at(Duration.ofMinutes(5))));
            topology.pipe(iam("AttachUserPolicy", "mallory", at(Duration.ofMinutes(10))));

            assertThat(alertsOf(topology, BACKDOOR)).isEmpty();
        }
    }

    @Test
    void judgesTheOrderByEventTimeNotByArrival() {
        try (TopologyHarness sorted = topology(); TopologyHarness shuffled = topology()) {
            TestEvents user = iam("CreateUser", "mallory", at(Duration.ofMinutes(1)));
            TestEvents key = iam("CreateAccessKey", "mallory", at(Duration.ofMinutes(3)));
            TestEvents policy = iam("AttachUserPolicy", "mallory", at(Duration.ofMinutes(6)));
            sorted.pipe(user).pipe(key).pipe(policy);
            shuffled.pipe(policy).pipe(user).pipe(key);

            List<Alert> inOrder = alertsOf(sorted, BACKDOOR);
            List<Alert> outOfOrder = alertsOf(shuffled, BACKDOOR);
            assertThat(inOrder).hasSize(1);
            assertThat(outOfOrder).extracting(Alert::alertId, Alert::eventCount, Alert::severity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(inOrder.get(0).alertId(), 3L,
                            Severity.HIGH));
            assertThat(outOfOrder.get(0).eventIds()).containsExactlyInAnyOrderElementsOf(inOrder.get(0).eventIds());
        }
    }

    @Test
    void countsEventsPerGroupAndFiresOncePerHitNotPerWindowUpdate() {
        try (TopologyHarness topology = topology()) {
            for (int i = 0; i < 4; i++) {
                topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofSeconds(20L * i))));
                topology.pipe(failedLogin(BYSTANDER, "carol", at(Duration.ofSeconds(20L * i + 5))));
            }
            assertThat(alertsOf(topology, FAILURES)).as("four of five").isEmpty();

            topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(2))));
            topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(3))));
            List<Alert> alerts = alertsOf(topology, FAILURES);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).eventCount()).isEqualTo(5);
            assertThat(alerts.get(0).sourceIp()).isEqualTo(ATTACKER);
            assertThat(alerts.get(0).severity()).isEqualTo(Severity.MEDIUM);
        }
    }

    @Test
    void countsDistinctValuesForValueCount() {
        try (TopologyHarness topology = topology()) {
            topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(1))));
            topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(2))));
            topology.pipe(failedLogin(ATTACKER, "bob", at(Duration.ofMinutes(3))));
            assertThat(alertsOf(topology, SPRAY)).isEmpty();
            topology.pipe(failedLogin(ATTACKER, "carol", at(Duration.ofMinutes(4))));

            List<Alert> alerts = alertsOf(topology, SPRAY);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).evidence()).containsEntry("values", List.of("alice", "bob", "carol"));
        }
    }

    @Test
    void doesNotRunAConditionAWindowCanOnlyJudgeWhenItCloses() {
        try (TopologyHarness topology = topology()) {
            topology.pipe(failedLogin(ATTACKER, "alice", at(Duration.ofMinutes(1))));
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", at(Duration.ofHours(3))));

            assertThat(topology.alertValues()).extracting(Alert::ruleId)
                    .noneMatch(id -> id.startsWith("sigma-upper-bound"));
        }
    }
}
