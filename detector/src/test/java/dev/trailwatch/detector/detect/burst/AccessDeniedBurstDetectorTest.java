package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.arn;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.denied;
import static dev.trailwatch.detector.detect.burst.BurstEvents.lateEventIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Denied calls: one alert per burst per principal, and per source IP when several principals share it. */
class AccessDeniedBurstDetectorTest {

    private static final String ID = AccessDeniedBurstDetector.ID;
    private static final List<String> RECON = List.of("ListUsers", "ListRoles", "GetAccountAuthorizationDetails",
            "ListPolicies");

    @Test
    void alertsOnceWhenOnePrincipalIsDeniedTwentyTimesWithinFiveMinutes() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeDenied(topology, "mallory", ATTACKER, 20, 0);

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.principal()).isEqualTo(arn("mallory"));
            assertThat(alert.eventCount()).isEqualTo(20);
            assertThat(alert.mitre()).containsExactly("T1580");
            assertThat(alert.evidence()).containsEntry("keyedBy", "principal").containsEntry("threshold", 20)
                    .containsEntry("deniedActions", List.of("iam:ListUsers", "iam:ListRoles",
                            "iam:GetAccountAuthorizationDetails", "iam:ListPolicies"));
        }
    }

    @Test
    void staysQuietWhenNineteenCallsAreDenied() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeDenied(topology, "mallory", ATTACKER, 19, 0);

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheTwentiethDenialIsJustOutsideTheWindow() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(denied("mallory", ATTACKER, "ListUsers", T0));
            for (int i = 0; i < 18; i++) {
                topology.pipe(denied("mallory", ATTACKER, "ListRoles", at(Duration.ofMinutes(1)).plusSeconds(10L * i)));
            }
            topology.pipe(denied("mallory", ATTACKER, "ListUsers", at(Duration.ofMinutes(5))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsPerIpWhenSeveralPrincipalsAreDeniedFromOneIp() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeDenied(topology, "mallory", ATTACKER, 10, 0);
            pipeDenied(topology, "trent", ATTACKER, 10, 1);

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).evidence()).containsEntry("keyedBy", "sourceIp")
                    .containsEntry("sourceIp", ATTACKER)
                    .containsEntry("principals", List.of(arn("mallory"), arn("trent")));
        }
    }

    @Test
    void staysQuietPerIpWhenOnePrincipalMakesAllTheDeniedCalls() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeDenied(topology, "mallory", ATTACKER, 25, 0);

            assertThat(alertsOf(topology, ID)).extracting(a -> a.evidence().get("keyedBy"))
                    .containsExactly("principal");
        }
    }

    @Test
    void staysQuietWhenAwsOrTheConsoleMadeTheDeniedCalls() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 25; i++) {
                TestEvents service = denied("mallory", "config.amazonaws.com", "ListUsers", atSeconds(3L * i));
                service.json().set("userIdentity", TestEvents.MAPPER.createObjectNode().put("type", "AWSService")
                        .put("invokedBy", "config.amazonaws.com"));
                topology.pipe(service);
                topology.pipe(serviceLinkedRoleSession(denied("mallory", ATTACKER, "ListPolicies",
                        atSeconds(3L * i))));
                topology.pipe(denied("mallory", ATTACKER, "ListRoles", atSeconds(3L * i + 1))
                        .set("userAgent", "aws-internal/3 aws-sdk-java/1.12.124 Linux/4.9 OpenJDK_64-Bit_Server_VM"));
                topology.pipe(denied("mallory", "AWS Internal", "GetAccountAuthorizationDetails",
                        atSeconds(3L * i + 2)).set("userAgent", "AWS Internal"));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    /**
     * A stolen key probing through CloudFormation (a stack without a service role): CloudFormation calls each
     * resource's API with the caller's own credentials, and CloudTrail writes the service's name as the source. The
     * denials are the key's, so they count for its principal; a service name is no host, so no per-IP burst.
     */
    @Test
    void alertsWhenAPrincipalsDenialsAreCarriedByAService() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 20; i++) {
                topology.pipe(denied("mallory", "cloudformation.amazonaws.com", RECON.get(i % RECON.size()),
                        atSeconds(5L * i)).set("userAgent", "cloudformation.amazonaws.com"));
            }

            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.principal()).isEqualTo(arn("mallory"));
                assertThat(alert.eventCount()).isEqualTo(20);
                assertThat(alert.evidence()).containsEntry("keyedBy", "principal");
            });
        }
    }

    /**
     * Services running as roles the customer made for them, short of one permission, retry all day: AWS Config's
     * recorder role, AWS Backup's default role, a stack's service role rolling back, a function's execution role polling
     * an encrypted queue. Their denials carry the service's name as the source and stay out (review, session 25).
     */
    @Test
    void staysQuietForServicesDeniedAsTheRolesMadeForThem() {
        String[][] cases = {
            {"service-role/config-role", "AWSConfig-Describe", "config.amazonaws.com", "ec2.amazonaws.com",
                "DescribeTransitGatewayAttachments"},
            {"service-role/AWSBackupDefaultServiceRole", "AWSBackup-AWSBackupDefaultServiceRole",
                "backup.amazonaws.com", "kms.amazonaws.com", "CreateGrant"},
            {"cfn-deploy-role", "AWSCloudFormation", "cloudformation.amazonaws.com", "iam.amazonaws.com",
                "DeleteRolePolicy"},
            {"queue-worker-role", "queue-worker", "lambda.amazonaws.com", "kms.amazonaws.com", "Decrypt"}};
        for (String[] role : cases) {
            try (TopologyHarness topology = new TopologyHarness()) {
                for (int i = 0; i < 25; i++) {
                    TestEvents call = TestEvents.event(role[3], role[4], atSeconds(5L * i)).sourceIp(role[2])
                            .set("errorCode", "AccessDenied").set("userAgent", role[2]);
                    topology.pipe(customerRoleSession(call, role[0], role[1]));
                }

                assertThat(alertsOf(topology, ID)).as(role[0]).isEmpty();
            }
        }
    }

    @Test
    void staysQuietPerIpWhenPrincipalsAreDeniedThroughOneService() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 30; i++) {
                topology.pipe(denied("app" + (i % 3), "sqs.amazonaws.com", "ListUsers", atSeconds(5L * i))
                        .set("userAgent", "sqs.amazonaws.com"));
            }

            assertThat(alertsOf(topology, ID)).as("ten denials each, and a service name is no host").isEmpty();
        }
    }

    @Test
    void alertsOnUnauthorizedOperationAndAccessDeniedExceptionToo() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 20; i++) {
                topology.pipe(i % 2 == 0
                        ? TestEvents.event("ec2.amazonaws.com", "DescribeInstances", atSeconds(5L * i)).user("mallory")
                                .sourceIp(ATTACKER).error("Client.UnauthorizedOperation", "You are not authorized")
                        : TestEvents.event("lambda.amazonaws.com", "ListFunctions20150331", atSeconds(5L * i))
                                .user("mallory").sourceIp(ATTACKER).error("AccessDeniedException", "not authorized"));
            }

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void alertsWhenDenialsFoldIntoOneFollowUpWithTheSameIdAsTheWindowCloses() {
        try (TopologyHarness topology = new TopologyHarness()) {
            TestEvents twice = denied("mallory", ATTACKER, "ListUsers", atSeconds(200));
            pipeDenied(topology, "mallory", ATTACKER, 24, 0);
            topology.pipe(twice).pipe(twice);
            List<Alert> first = alertsOf(topology, ID);
            assertThat(first).hasSize(1);

            topology.pipe(denied("trent", BYSTANDER, "ListUsers", at(Duration.ofMinutes(21))));

            List<Alert> followUps = alertsOf(topology, ID);
            assertThat(followUps).hasSize(1);
            assertThat(followUps.get(0).alertId()).isEqualTo(first.get(0).alertId());
            assertThat(followUps.get(0).eventCount()).isEqualTo(25);
        }
    }

    @Test
    void alertsWhenALateDenialWithinGraceCompletesTheBurst() {
        try (TopologyHarness topology = new TopologyHarness()) {
            pipeDenied(topology, "mallory", ATTACKER, 19, 0);
            topology.pipe(denied("trent", BYSTANDER, "ListUsers", at(Duration.ofMinutes(18))));
            topology.pipe(denied("mallory", ATTACKER, "ListUsers", atSeconds(100)));

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void staysQuietAndDeadLettersADenialLaterThanWindowPlusGrace() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(denied("trent", BYSTANDER, "ListUsers", at(Duration.ofMinutes(30))));
            TestEvents late = denied("mallory", ATTACKER, "ListUsers", T0);
            topology.pipe(late);

            assertThat(alertsOf(topology, ID)).isEmpty();
            assertThat(lateEventIds(topology)).contains(late.eventId());
        }
    }

    @Test
    void alertsWithThePendingFollowUpWhenTheInputEnds() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            pipeDenied(topology, "mallory", ATTACKER, 22, 0);
            assertThat(alertsOf(topology, ID)).hasSize(1);

            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            assertThat(alertsOf(topology, ID)).extracting(Alert::eventCount).containsExactly(22L);
        }
    }

    @Test
    void alertsNameTheHumanBehindARoleSessionWhenCloudTrailRecordsTheSourceIdentity() {
        String role = "arn:aws:sts::" + TestEvents.ACCOUNT + ":assumed-role/deployer/botocore-session-1";
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 20; i++) {
                TestEvents call = denied("ignored", ATTACKER, RECON.get(i % RECON.size()), atSeconds(5L * i));
                ObjectNode id = call.json().putObject("userIdentity");
                id.put("type", "AssumedRole");
                id.put("principalId", "AROAEXAMPLEROLE00001:botocore-session-1");
                id.put("arn", role);
                id.put("accountId", TestEvents.ACCOUNT);
                ObjectNode session = id.putObject("sessionContext");
                session.putObject("sessionIssuer").put("type", "Role")
                        .put("arn", "arn:aws:iam::" + TestEvents.ACCOUNT + ":role/deployer");
                session.put("sourceIdentity", "dana@example.com");
                topology.pipe(call);
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).principal()).isEqualTo(role);
            assertThat(alerts.get(0).context().actor().sourceIdentity()).isEqualTo("dana@example.com");
            assertThat(alerts.get(0).context().actor().human()).isEqualTo("dana@example.com");
            assertThat(alerts.get(0).context().actor().role()).isEqualTo("deployer");
        }
    }

    /** The call as a session {@code session} of the customer's role {@code path} (for example service-role/x). */
    private static TestEvents customerRoleSession(TestEvents call, String path, String session) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        ObjectNode identity = TestEvents.MAPPER.createObjectNode().put("type", "AssumedRole")
                .put("principalId", "AROAEXAMPLECUSTOMER:" + session)
                .put("arn", "arn:aws:sts::" + BurstEvents.ACCOUNT + ":assumed-role/" + name + "/" + session)
                .put("accountId", BurstEvents.ACCOUNT).put("accessKeyId", "ASIAEXAMPLESERVICE01");
        identity.putObject("sessionContext").putObject("sessionIssuer").put("type", "Role")
                .put("arn", "arn:aws:iam::" + BurstEvents.ACCOUNT + ":role/" + path)
                .put("accountId", BurstEvents.ACCOUNT).put("userName", name);
        call.json().set("userIdentity", identity);
        return call;
    }

    /** The call as a session of AWS Config's service-linked role makes it: a role only AWS Config can assume. */
    private static TestEvents serviceLinkedRoleSession(TestEvents call) {
        String role = "arn:aws:iam::" + BurstEvents.ACCOUNT
                + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";
        ObjectNode identity = TestEvents.MAPPER.createObjectNode().put("type", "AssumedRole")
                .put("principalId", "AROAEXAMPLECONFIG:AWSConfig-Describe")
                .put("arn", "arn:aws:sts::" + BurstEvents.ACCOUNT
                        + ":assumed-role/AWSServiceRoleForConfig/AWSConfig-Describe")
                .put("accountId", BurstEvents.ACCOUNT);
        identity.putObject("sessionContext").putObject("sessionIssuer").put("type", "Role").put("arn", role)
                .put("accountId", BurstEvents.ACCOUNT).put("userName", "AWSServiceRoleForConfig");
        call.json().set("userIdentity", identity);
        return call;
    }

    /** {@code count} denied recon calls by {@code user}, 5 s apart, starting {@code offset} seconds after T0. */
    private static void pipeDenied(TopologyHarness topology, String user, String ip, int count, long offset) {
        for (int i = 0; i < count; i++) {
            topology.pipe(denied(user, ip, RECON.get(i % RECON.size()), atSeconds(offset + 5L * i)));
        }
    }
}
