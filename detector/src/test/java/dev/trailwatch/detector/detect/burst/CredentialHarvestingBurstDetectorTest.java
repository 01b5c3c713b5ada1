package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** GetParameters as SSM records it: the names asked for in requestParameters.names, up to ten. */
    private static TestEvents parameters(String user, List<String> names, Instant time) {
        TestEvents e = TestEvents.event("ssm.amazonaws.com", "GetParameters", time).user(user).sourceIp(ATTACKER);
        ObjectNode request = e.json().with("requestParameters");
        names.forEach(request.putArray("names")::add);
        request.put("withDecryption", true);
        return e;
    }

    /** BatchGetSecretValue naming its secrets in requestParameters.secretIdList (up to twenty). */
    private static TestEvents batchSecrets(String user, List<String> ids, Instant time) {
        TestEvents e = TestEvents.event("secretsmanager.amazonaws.com", "BatchGetSecretValue", time).user(user)
                .sourceIp(ATTACKER);
        ids.forEach(e.json().with("requestParameters").putArray("secretIdList")::add);
        return e;
    }

    /** BatchGetSecretValue selecting secrets by tag, as Stratus's detonation does: no secret is named. */
    private static TestEvents batchSecretsByTag(String user, Instant time) {
        TestEvents e = TestEvents.event("secretsmanager.amazonaws.com", "BatchGetSecretValue", time).user(user)
                .sourceIp(ATTACKER);
        ObjectNode filter = e.json().with("requestParameters").putArray("filters").addObject();
        filter.put("key", "tag-key");
        filter.putArray("values").add("StratusRedTeam");
        return e;
    }

    /** {@code count} parameter names from {@code from}: {@code /prod/app/secret-<n>}. */
    private static List<String> names(int from, int count) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            names.add("/prod/app/secret-" + i);
        }
        return names;
    }

    /**
     * The ECS agent injecting a task's secrets: as the task execution role's session (named for the task), from the
     * container instance, with the agent's user agent and no invokedBy (amazon-ecs-agent's ssm client and
     * httpclient).
     */
    private static TestEvents ecsAgent(TestEvents event, String taskId) {
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLEEXECROLE01:" + taskId);
        id.put("arn", "arn:aws:sts::" + BurstEvents.ACCOUNT + ":assumed-role/ecsTaskExecutionRole/" + taskId);
        id.put("accountId", BurstEvents.ACCOUNT);
        id.put("accessKeyId", "ASIAEXAMPLEEXECROLE01");
        ObjectNode issuer = id.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("arn", "arn:aws:iam::" + BurstEvents.ACCOUNT + ":role/ecsTaskExecutionRole");
        issuer.put("userName", "ecsTaskExecutionRole");
        return event.sourceIp("198.51.100.20")
                .set("userAgent", "Amazon ECS Agent - v1.86.3 (c3ac2ee4) (linux) (+http://aws.amazon.com/ecs/)");
    }

    private static TestEvents userData(String user, String instanceId, Instant time) {
        TestEvents e = TestEvents.event("ec2.amazonaws.com", "DescribeInstanceAttribute", time).user(user)
                .sourceIp(ATTACKER);
        e.json().with("requestParameters").put("instanceId", instanceId).put("attribute", "userData");
        return e;
    }

    /** GetConsoleScreenshot as EC2 records it: the instance in requestParameters.instanceId. */
    private static TestEvents screenshot(String user, String instanceId, Instant time) {
        TestEvents e = TestEvents.event("ec2.amazonaws.com", "GetConsoleScreenshot", time).user(user)
                .sourceIp(ATTACKER);
        e.json().with("requestParameters").put("instanceId", instanceId);
        return e;
    }

    @Test
    void aSweepOfRefusedConsoleScreenshotsIsABurst() {
        // Stratus's ec2-console-screenshots: a role without the permission asks for screenshot after screenshot of
        // made-up instances; each call is refused (one LOW each from the rule), the sweep is the burst.
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(screenshot("mallory", "i-0f00000000000%04d".formatted(i), atSeconds(2L * i))
                        .error("Client.UnauthorizedOperation", "You are not authorized to perform this operation."));
            }
            assertThat(alertsOf(topology, ID)).as("ten instances").isEmpty();

            topology.pipe(screenshot("mallory", "i-0f000000000000010", atSeconds(20))
                    .error("Client.UnauthorizedOperation", "You are not authorized to perform this operation."));
            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).severity()).isEqualTo(Severity.MEDIUM);
            assertThat(resources(alerts.get(0))).contains("screenshot:i-0f000000000000010");
        }
    }

    @Test
    void screenshotsOfOneInstanceAgainAndAgainAreNoBurst() {
        // a status page refreshing one instance's screenshot every minute
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 30; i++) {
                topology.pipe(screenshot("status-page", "i-0a1b2c3d4e5f60001", atSeconds(20L * i)));
            }
            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsWhenOnePrincipalReadsElevenDistinctSecretsWithinTenMinutes() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 11; i++) {
                topology.pipe(secret("mallory", "prod/app-" + i, atSeconds(30L * i)));
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.principal()).isEqualTo("arn:aws:iam::111122223333:user/mallory");
            assertThat(alert.mitre()).contains("T1555.006");
            assertThat(alert.eventCount()).isEqualTo(11);
            assertThat(alert.evidence()).containsEntry("distinctResources", 11).containsEntry("threshold", 11);
        }
    }

    @Test
    void aSecretReadByNameAndByItsFullOrPartialArnIsOneResource() {
        String arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:";
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(secret("app", "prod/app-" + i, atSeconds(20L * i)));
                topology.pipe(secret("app", arn + "prod/app-" + i + "-a1B2c" + i, atSeconds(20L * i + 5)));
                topology.pipe(secret("app", arn + "prod/app-" + i, atSeconds(20L * i + 10)));
            }
            assertThat(alertsOf(topology, ID)).as("ten secrets, each named three ways").isEmpty();

            // the same name in another account (shared by resource policy) is another secret
            topology.pipe(secret("app", "arn:aws:secretsmanager:us-east-1:444455556666:secret:prod/app-0-Zz9Yy8",
                    atSeconds(250)));
            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).evidence()).containsEntry("distinctResources", 11);
            assertThat(resources(alerts.get(0))).contains("secret:prod/app-0", "secret:444455556666:prod/app-0")
                    .doesNotContain(arn + "prod/app-0");
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
            topology.pipe(userData("mallory", "i-0a1b2c3d4e5f60003", atSeconds(120)));

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
    void staysQuietWhenTheEleventhReadIsOutsideTheWindowOrByAnotherPrincipal() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 10; i++) {
                topology.pipe(secret("mallory", "prod/app-" + i, atSeconds(25L * i)));
            }
            topology.pipe(secret("trent", "prod/app-10", atSeconds(280)));
            topology.pipe(secret("mallory", "prod/app-10", at(Duration.ofMinutes(10))));

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

    /**
     * Stratus ssm-retrieve-securestring-parameters' shape: 42 SecureString parameters in five GetParameters calls of up
     * to ten names, in three seconds. Every name counts, so five calls are a sweep of 42.
     */
    @Test
    void alertsWhenBatchedGetParametersCallsReadTenDistinctParameters() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int call = 0; call < 5; call++) {
                topology.pipe(parameters("mallory", names(10 * call, call < 4 ? 10 : 2), atSeconds(call / 2)));
            }
            // The alert goes out at the second call (20 names); the window's close reports the rest.
            topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", at(Duration.ofHours(1))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).extracting(Alert::alertId).containsOnly(alerts.get(0).alertId());
            assertThat(alerts.get(0).evidence()).containsEntry("distinctResources", 20);
            Alert alert = last(alerts);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.eventCount()).isEqualTo(5);
            assertThat(alert.evidence()).containsEntry("distinctResources", 42);
            assertThat(resources(alert)).hasSize(42).contains("parameter:/prod/app/secret-0",
                    "parameter:/prod/app/secret-41");
            assertThat(alert.description()).contains("read 42 distinct").contains("(5 calls)");
        }
    }

    /**
     * One batch read again and again (a function's cold starts, a poller): at most ten names, the most one
     * GetParameters call can carry, so never the eleven distinct a burst needs, however often it is read.
     */
    @Test
    void staysQuietWhenOneBatchOfUpToTenParametersIsReadAgainAndAgain() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(parameters("app", names(0, 9), atSeconds(1)));
            topology.pipe(parameters("app", names(0, 9), atSeconds(300)));
            for (int start = 0; start < 6; start++) {
                topology.pipe(parameters("my-function", names(0, 10), atSeconds(60L * start)));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsAtTheEleventhDistinctResourceOverTwoCallsAndNotAtTheTenth() {
        try (TopologyHarness quiet = new TopologyHarness(); TopologyHarness loud = new TopologyHarness()) {
            // Ten names, then a call repeating two of them with no new one: ten distinct in two calls.
            quiet.pipe(parameters("mallory", names(0, 10), atSeconds(1)));
            quiet.pipe(parameters("mallory", names(7, 2), atSeconds(2)));
            loud.pipe(parameters("mallory", names(0, 10), atSeconds(1)));
            loud.pipe(secret("mallory", "prod/db", atSeconds(2)));

            assertThat(alertsOf(quiet, ID)).isEmpty();
            assertThat(alertsOf(loud, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.evidence()).containsEntry("distinctResources", 11).containsEntry("minCalls", 2);
                assertThat(resources(alert)).contains("secret:prod/db", "parameter:/prod/app/secret-9");
            });
        }
    }

    /**
     * BatchGetSecretValue's own list does not count: Secrets Manager writes a GetSecretValue record for each secret it
     * requests, and counting the list too would count each secret twice (by the name the list gave, by the ARN the
     * record gives).
     */
    @Test
    void countsBatchGetSecretValueThroughTheGetSecretValueRecordsNotItsList() {
        try (TopologyHarness topology = new TopologyHarness()) {
            List<String> twenty = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                twenty.add("prod/s-" + i);
            }
            topology.pipe(batchSecrets("mallory", twenty, atSeconds(1)));
            topology.pipe(batchSecrets("mallory", twenty, atSeconds(2)).error("AccessDeniedException",
                    "not authorized to perform: secretsmanager:BatchGetSecretValue"));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    /**
     * A BatchGetSecretValue that selects by filter names no secret; Secrets Manager writes a GetSecretValue record for
     * each secret it returns, and those are what the burst counts.
     */
    @Test
    void staysQuietForBatchGetSecretValueByFilterAloneAndCountsTheGetSecretValueRecordsItCauses() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 5; i++) {
                topology.pipe(batchSecretsByTag("mallory", atSeconds(i)));
            }
            assertThat(alertsOf(topology, ID)).isEmpty();

            for (int i = 0; i < 11; i++) {
                topology.pipe(secret("mallory", "prod/tagged-" + i, atSeconds(5)));
            }
            assertThat(alertsOf(topology, ID)).singleElement()
                    .satisfies(alert -> assertThat(alert.evidence()).containsEntry("distinctResources", 11));
        }
    }

    /**
     * ECS injecting a task definition's secrets is the task execution role's own call, not one AWS makes on its behalf
     * (no invokedBy): ten or fewer SSM secrets are one GetParameters call and stay quiet; more are several calls and
     * alert, the residual false positive the rule's doc names (a user agent anyone can send does not exclude it).
     */
    @Test
    void ecsSecretInjectionStaysQuietUpToOneBatchAndAlertsBeyondTheThreshold() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(ecsAgent(parameters("x", names(0, 10), atSeconds(1)), "0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
            assertThat(alertsOf(topology, ID)).isEmpty();

            String task = "9a8b7c6d5e4f30211203f4e5d6c7b8a9";
            topology.pipe(ecsAgent(parameters("x", names(0, 10), atSeconds(60)), task));
            topology.pipe(ecsAgent(parameters("x", names(10, 2), atSeconds(60)), task));
            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.principal()).endsWith("assumed-role/ecsTaskExecutionRole/" + task);
                assertThat(alert.evidence()).containsEntry("distinctResources", 12);
            });
        }
    }

    /** CloudFormation resolving {{resolve:ssm-secure:...}} references reads them on the caller's behalf. */
    @Test
    void staysQuietForReadsAnAwsServiceMakesOnAPrincipalsBehalf() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int call = 0; call < 3; call++) {
                TestEvents read = parameters("deployer", names(10 * call, 10), atSeconds(call))
                        .sourceIp("cloudformation.amazonaws.com").set("userAgent", "cloudformation.amazonaws.com");
                read.json().with("userIdentity").put("invokedBy", "cloudformation.amazonaws.com");
                topology.pipe(read);
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    /**
     * The distinct resources of a window are a set: batched reads whose names overlap, fed in event-time order and in
     * reverse (within the grace), leave the same last alert, evidence and all.
     */
    @Test
    void batchedReadsRaiseTheSameAlertInEitherOrderOfArrival() {
        List<TestEvents> reads = new ArrayList<>();
        Random random = new Random(15);
        for (int call = 0; call < 14; call++) {
            reads.add(parameters("mallory", names(random.nextInt(140), 1 + random.nextInt(10)),
                    atSeconds(20L * call)));
        }
        reads.add(parameters("mallory", names(0, 10), atSeconds(20L * 3)));
        List<TestEvents> reversed = new ArrayList<>(reads);
        Collections.reverse(reversed);
        try (TopologyHarness inOrder = new TopologyHarness();
             TopologyHarness backwards = new TopologyHarness()) {
            reads.forEach(inOrder::pipe);
            reversed.forEach(backwards::pipe);
            TestEvents later = TestEvents.event("ec2.amazonaws.com", "DescribeInstances", at(Duration.ofHours(1)));
            inOrder.pipe(later);
            backwards.pipe(later);

            Alert a = last(alertsOf(inOrder, ID));
            Alert b = last(alertsOf(backwards, ID));
            assertThat(b.alertId()).isEqualTo(a.alertId());
            assertThat(b.eventCount()).isEqualTo(a.eventCount()).isEqualTo(15);
            assertThat(b.eventIds()).isEqualTo(a.eventIds());
            assertThat(b.evidence()).isEqualTo(a.evidence());
            assertThat(b.description()).isEqualTo(a.description());
            assertThat(resources(a)).hasSizeGreaterThan(40);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> resources(Alert alert) {
        return (List<String>) alert.evidence().get("resources");
    }

    private static Alert last(List<Alert> alerts) {
        assertThat(alerts).isNotEmpty();
        return alerts.get(alerts.size() - 1);
    }
}
