package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One principal sweeping many distinct secrets, decrypted parameters or instances' user data. */
class CredentialHarvestingBurstDetectorTest {

    private static final String ID = CredentialHarvestingBurstDetector.ID;

    /** GetSecretValue as Secrets Manager records it: the secret's name or ARN in requestParameters.secretId. */
    private static TestEvents secret(String user, String secretId, Instant time) {
        TestEvents e = TestEvents.event("secretsmanager.amazonaws.com", "GetSecretValue", time).user(user)
                .sourceIp(ATTACKER);
        e.json().with("requestParameters").put("secretId", secretId);
        return e;
    }

    private static TestEvents parameter(String user, String name, boolean decrypt, Instant time) {
        TestEvents e = TestEvents.event("ssm.amazonaws.com", "GetParameter", time).user(user).sourceIp(ATTACKER);
        e.json().with("requestParameters").put("name", name).put("withDecryption", decrypt);
        return e;
    }

    private static TestEvents userData(String user, String instanceId, Instant time) {
        TestEvents e = TestEvents.event("ec2.amazonaws.com", "DescribeInstanceAttribute", time).user(user)
                .sourceIp(ATTACKER);
        e.json().with("requestParameters").put("instanceId", instanceId).put("attribute", "userData");
        return e;
    }

    @Test
    void alertsWhenOnePrincipalReadsTenDistinctSecretsWithinTenMinutes() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(secret("mallory", "prod/app-" + i, atSeconds(30L * i)));
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.principal()).isEqualTo("arn:aws:iam::111122223333:user/mallory");
            assertThat(alert.mitre()).contains("T1555.006");
            assertThat(alert.eventCount()).isEqualTo(10);
            assertThat(alert.evidence()).containsEntry("distinctResources", 10);
        }
    }

    @Test
    void countsDeniedReadsAndMixedKinds() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 4; i++) {
                topology.pipe(secret("mallory", "prod/db-" + i, atSeconds(10L * i))
                        .error("AccessDeniedException", "not authorized to perform: secretsmanager:GetSecretValue"));
                topology.pipe(parameter("mallory", "/prod/key-" + i, true, atSeconds(10L * i + 3)));
            }
            topology.pipe(userData("mallory", "i-0a1b2c3d4e5f60001", atSeconds(100)));
            topology.pipe(userData("mallory", "i-0a1b2c3d4e5f60002", atSeconds(110)));

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void staysQuietForRepeatedReadsOfFewSecretsAndForUndecryptedParameters() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 30; i++) {
                topology.pipe(secret("app", "prod/app-" + (i % 3), atSeconds(10L * i)));
                topology.pipe(parameter("app", "/config/flag-" + i, false, atSeconds(10L * i + 1)));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheTenthReadIsOutsideTheWindowOrByAnotherPrincipal() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 9; i++) {
                topology.pipe(secret("mallory", "prod/app-" + i, atSeconds(30L * i)));
            }
            topology.pipe(secret("trent", "prod/app-9", atSeconds(280)));
            topology.pipe(secret("mallory", "prod/app-9", at(Duration.ofMinutes(10))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void raisesTheSameAlertWhateverTheOrderOfArrivalWithinTheGrace() {
        List<TestEvents> reads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            reads.add(secret("mallory", "prod/app-" + i, atSeconds(20L * i)));
        }
        List<TestEvents> shuffled = new ArrayList<>(reads);
        Collections.shuffle(shuffled, new Random(7));
        try (TopologyHarness inOrder = new TopologyHarness(); TopologyHarness outOfOrder = new TopologyHarness()) {
            reads.forEach(inOrder::pipe);
            shuffled.forEach(outOfOrder::pipe);
            // Event time moves past window and grace in both: the follow-ups go out.
            TestEvents later = TestEvents.event("ec2.amazonaws.com", "DescribeInstances", at(Duration.ofHours(1)));
            inOrder.pipe(later);
            outOfOrder.pipe(later);

            List<Alert> a = alertsOf(inOrder, ID);
            List<Alert> b = alertsOf(outOfOrder, ID);
            Alert lastA = a.get(a.size() - 1);
            Alert lastB = b.get(b.size() - 1);
            assertThat(lastB.alertId()).isEqualTo(lastA.alertId());
            assertThat(lastB.eventCount()).isEqualTo(lastA.eventCount()).isEqualTo(12);
            assertThat(lastB.eventIds()).containsExactlyInAnyOrderElementsOf(lastA.eventIds());
        }
    }
}
