package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A Lambda function's or ECS task's role credentials used outside AWS, on the real topology with the real GeoIP test
 * databases (the ASN cases are skipped, saying how to fetch them, when those are missing).
 */
class WorkloadCredentialExfiltrationDetectorTest {

    private static final String ID = WorkloadCredentialExfiltrationDetector.ID;
    private static final String ACCOUNT = TestEvents.ACCOUNT;
    private static final String FUNCTION_ROLE = "image-resizer-role-x1y2z3a4";
    private static final String FUNCTION = "image-resizer";
    private static final String FUNCTION_KEY = "ASIAQNZGKIQYFUNCTION1";
    private static final String TASK_ROLE = "orders-task-role";
    private static final String TASK = "9f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String TASK_KEY = "ASIAQNZGKIQYECSTASK01";
    /** In AS16509 / AS14618 (Amazon) in the test ASN database: a Lambda's or NAT gateway's egress. */
    private static final String AWS_EGRESS = "52.94.236.248";
    /** Strato AG, AS6724: a hosting provider, the attacker's machine. */
    private static final String ATTACKER = "85.214.132.117";
    private static final String LAMBDA_AGENT = "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.209-220.830"
            + ".amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12"
            + " cfg/retry-mode#legacy Botocore/1.34.34";
    private static final String FARGATE_AGENT = "aws-sdk-java/2.25.10 Linux/5.10.213-201.855.amzn2.x86_64"
            + " OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE"
            + " io/sync http/Apache cfg/retry-mode/legacy";
    private static final String CLI_AGENT = "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off"
            + " command/s3.ls";

    /**
     * The AssumeRole a workload service makes for a function or task, as CloudTrail records it: {@code AWSService}
     * identity invoked by the service, the service as source and user agent, the role and session name asked for,
     * and the issued session's access key id in the response.
     */
    private static TestEvents assumeRole(String service, String roleArn, String session, String accessKey,
                                         Instant time) {
        TestEvents e = TestEvents.event("sts.amazonaws.com", "AssumeRole", time).sourceIp(service);
        e.json().putObject("userIdentity").put("type", "AWSService").put("invokedBy", service);
        e.json().put("userAgent", service);
        e.json().put("readOnly", true);
        e.json().putObject("requestParameters").put("roleArn", roleArn).put("roleSessionName", session);
        e.json().putObject("responseElements").putObject("credentials").put("accessKeyId", accessKey)
                .put("sessionToken", "IQoJb3JpZ2luX2VjEXAMPLETOKEN").put("expiration",
                        time.plus(Duration.ofHours(12)).toString());
        e.json().putArray("resources").addObject().put("accountId", ACCOUNT).put("type", "AWS::IAM::Role")
                .put("ARN", roleArn);
        e.json().put("sharedEventID", "5c7c4b1e-1d2f-4a8b-9c3d-" + accessKey.substring(accessKey.length() - 12));
        return e;
    }

    private static TestEvents lambdaIssued(Instant time) {
        return assumeRole("lambda.amazonaws.com", "arn:aws:iam::" + ACCOUNT + ":role/service-role/" + FUNCTION_ROLE,
                FUNCTION, FUNCTION_KEY, time);
    }

    private static TestEvents taskIssued(Instant time) {
        return assumeRole("ecs-tasks.amazonaws.com", "arn:aws:iam::" + ACCOUNT + ":role/" + TASK_ROLE, TASK,
                TASK_KEY, time);
    }

    /** A call by the role session {@code session} of {@code role}, with access key {@code key}. */
    private static TestEvents call(String role, String session, String key, String ip, String agent, String source,
                                   String name, Instant time) {
        TestEvents e = TestEvents.event(source, name, time).sourceIp(ip);
        e.json().put("userAgent", agent);
        ObjectNode id = e.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAQNZGKIQYEXAMPLE01:" + session);
        id.put("arn", "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/" + session);
        id.put("accountId", ACCOUNT);
        id.put("accessKeyId", key);
        ObjectNode context = id.putObject("sessionContext");
        context.putObject("sessionIssuer").put("type", "Role").put("principalId", "AROAQNZGKIQYEXAMPLE01")
                .put("arn", "arn:aws:iam::" + ACCOUNT + ":role/" + role).put("accountId", ACCOUNT)
                .put("userName", role);
        context.putObject("attributes").put("creationDate", time.minusSeconds(60).toString())
                .put("mfaAuthenticated", "false");
        return e;
    }

    private static TestEvents function(String ip, String agent, String source, String name, Instant time) {
        return call("service-role/" + FUNCTION_ROLE, FUNCTION, FUNCTION_KEY, ip, agent, source, name, time)
                .set("eventID", "fn-" + name + "-" + ip + "-" + time.toEpochMilli());
    }

    private static TestEvents task(String ip, String agent, String source, String name, Instant time) {
        return call(TASK_ROLE, TASK, TASK_KEY, ip, agent, source, name, time)
                .set("eventID", "task-" + name + "-" + ip + "-" + time.toEpochMilli());
    }

    private static TestEvents later(Duration offset) {
        return TestEvents.event("s3.amazonaws.com", "ListBuckets", at(offset)).user("ops");
    }

    private static TopologyHarness withAsns(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(GeoIpDatabases.settings());
        settings.putAll(extra);
        return new TopologyHarness(settings, FlushSignal.never());
    }

    @Test
    void alertsHighOnceWhenALambdaFunctionsSessionIsUsedFromOutsideAws() {
        try (TopologyHarness topology = withAsns(Map.of())) {
            TestEvents issued = lambdaIssued(at(Duration.ZERO));
            topology.pipe(issued);
            topology.pipe(function(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "GetObject",
                    at(Duration.ofSeconds(2))));
            TestEvents stolen = function(ATTACKER, CLI_AGENT, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(5)));
            topology.pipe(stolen);
            topology.pipe(function(ATTACKER, CLI_AGENT, "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(6))));
            assertThat(alertsOf(topology, ID)).as("decided only after the confirm delay").isEmpty();

            topology.pipe(later(Duration.ofMinutes(30)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.mitre()).containsExactly("T1552.005", "T1078.004");
            assertThat(alert.principal()).isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/service-role/"
                    + FUNCTION_ROLE + "/" + FUNCTION);
            assertThat(alert.sourceIp()).isEqualTo(ATTACKER);
            assertThat(alert.eventName()).isEqualTo("GetCallerIdentity");
            assertThat(alert.eventIds()).containsExactly(stolen.eventId());
            assertThat(alert.title()).isEqualTo("Credentials of Lambda function image-resizer used from " + ATTACKER
                    + " outside AWS");
            assertThat(alert.evidence()).containsEntry("workload", "Lambda function")
                    .containsEntry("session", FUNCTION).containsEntry("accessKeyId", FUNCTION_KEY)
                    .containsEntry("issuedBy", "lambda.amazonaws.com")
                    .containsEntry("assumeRoleEventId", issued.eventId())
                    .containsEntry("sourceIp", ATTACKER).containsEntry("asn", 6724)
                    .containsEntry("asOrganization", "Strato AG").containsEntry("judgedBy", "asn")
                    .containsEntry("userAgent", CLI_AGENT);
        }
    }

    @Test
    void alertsWhenAnEcsTasksSessionIsUsedFromOutsideAws() {
        try (TopologyHarness topology = withAsns(Map.of())) {
            topology.pipe(taskIssued(at(Duration.ZERO)));
            topology.pipe(task(AWS_EGRESS, FARGATE_AGENT, "dynamodb.amazonaws.com", "DescribeTable",
                    at(Duration.ofMinutes(1))));
            TestEvents stolen = task(ATTACKER, "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.5.0 md/arch#x86_64"
                    + " lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.0",
                    "secretsmanager.amazonaws.com", "ListSecrets", at(Duration.ofHours(2)));
            topology.pipe(stolen);
            topology.pipe(later(Duration.ofHours(3)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).title()).isEqualTo("Credentials of ECS task " + TASK + " used from " + ATTACKER
                    + " outside AWS");
            assertThat(alerts.get(0).eventIds()).containsExactly(stolen.eventId());
            assertThat(alerts.get(0).evidence()).containsEntry("issuedBy", "ecs-tasks.amazonaws.com")
                    .containsEntry("accessKeyId", TASK_KEY);
        }
    }

    @Test
    void staysQuietWhileTheWorkloadCallsFromInsideAws() {
        try (TopologyHarness topology = withAsns(Map.of())) {
            topology.pipe(lambdaIssued(at(Duration.ZERO)));
            topology.pipe(function(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "GetObject",
                    at(Duration.ofSeconds(1))));
            // the same session without the runtime in its user agent, still from AWS's network: AWS's address counts
            topology.pipe(function(AWS_EGRESS, "aws-sdk-go-v2/1.24.1 os/linux lang/go#1.21.6 md/GOOS#linux",
                    "sqs.amazonaws.com", "SendMessage", at(Duration.ofSeconds(2))));
            // through a VPC endpoint: a private address and the endpoint's id
            TestEvents endpoint = function("10.0.12.34", LAMBDA_AGENT, "secretsmanager.amazonaws.com",
                    "GetSecretValue", at(Duration.ofSeconds(3)));
            endpoint.json().put("vpcEndpointId", "vpce-0a1b2c3d4e5f60718").put("vpcEndpointAccountId", ACCOUNT);
            topology.pipe(endpoint);
            // a service acting for the function: a service name, no address
            TestEvents forwarded = function("athena.amazonaws.com", "athena.amazonaws.com", "glue.amazonaws.com",
                    "GetTable", at(Duration.ofSeconds(4)));
            ((ObjectNode) forwarded.json().get("userIdentity")).put("invokedBy", "athena.amazonaws.com");
            topology.pipe(forwarded);
            topology.pipe(taskIssued(at(Duration.ofMinutes(1))));
            topology.pipe(task(AWS_EGRESS, FARGATE_AGENT, "s3.amazonaws.com", "PutObject", at(Duration.ofMinutes(2))));
            topology.pipe(later(Duration.ofHours(1)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void judgesOnlySessionsAWorkloadServiceIssued() {
        try (TopologyHarness topology = withAsns(Map.of())) {
            // an engineer's role session (AssumeRole by an IAM user) used from the office: no workload's
            TestEvents human = assumeRole("lambda.amazonaws.com", "arn:aws:iam::" + ACCOUNT + ":role/admin", "alice",
                    "ASIAQNZGKIQYHUMAN0001", at(Duration.ZERO)).sourceIp("81.2.69.142");
            human.json().putObject("userIdentity").put("type", "IAMUser").put("principalId", "AIDAQNZGKIQYALICE0001")
                    .put("arn", "arn:aws:iam::" + ACCOUNT + ":user/alice").put("accountId", ACCOUNT)
                    .put("accessKeyId", "AKIAQNZGKIQYALICE001").put("userName", "alice");
            human.json().put("userAgent", CLI_AGENT);
            topology.pipe(human);
            topology.pipe(call("admin", "alice", "ASIAQNZGKIQYHUMAN0001", ATTACKER, CLI_AGENT, "ec2.amazonaws.com",
                    "DescribeInstances", at(Duration.ofMinutes(1))));
            // a failed AssumeRole issues nothing
            TestEvents failed = lambdaIssued(at(Duration.ofMinutes(2))).error("AccessDenied", "not authorized");
            failed.json().remove("responseElements");
            topology.pipe(failed);
            topology.pipe(function(ATTACKER, CLI_AGENT, "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(3))));
            topology.pipe(later(Duration.ofHours(1)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void anEcsAnywhereTaskOnTheOperatorsOwnServersIsNotJudged() {
        try (TopologyHarness topology = withAsns(Map.of())) {
            topology.pipe(taskIssued(at(Duration.ZERO)));
            topology.pipe(task(ATTACKER, FARGATE_AGENT.replace("AWS_ECS_FARGATE", "AWS_ECS_EXTERNAL"),
                    "s3.amazonaws.com", "PutObject", at(Duration.ofMinutes(1))));
            topology.pipe(later(Duration.ofHours(1)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void theEndOfInputDecidesWhatIsStillWaiting() {
        try (TopologyHarness topology = new TopologyHarness(GeoIpDatabases.settings(), FlushSignal.onRequest())) {
            topology.pipe(lambdaIssued(at(Duration.ZERO)));
            topology.pipe(function(ATTACKER, CLI_AGENT, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(1))));
            assertThat(alertsOf(topology, ID)).isEmpty();

            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void aSessionIsKeptAsLongAsAnStsSessionLives() {
        assertThat(useAfter(Duration.ofHours(12))).as("within the 12 hours a session lives").hasSize(1);
        assertThat(useAfter(Duration.ofHours(12).plusMinutes(16))).as("past them and the confirm delay: forgotten")
                .isEmpty();
    }

    /** The function's session, used from inside AWS at once and from outside {@code after} it was issued. */
    private static List<Alert> useAfter(Duration after) {
        try (TopologyHarness topology = withAsns(Map.of())) {
            topology.pipe(lambdaIssued(at(Duration.ZERO)));
            topology.pipe(function(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "GetObject",
                    at(Duration.ofSeconds(1))));
            for (Duration tick = Duration.ofHours(1); tick.compareTo(after) < 0; tick = tick.plusHours(1)) {
                topology.pipe(later(tick));
            }
            topology.pipe(function(ATTACKER, CLI_AGENT, "s3.amazonaws.com", "ListBuckets", at(after)));
            topology.pipe(later(after.plusHours(1)));
            return alertsOf(topology, ID);
        }
    }

    @Test
    void anAssumeRoleArrivingAfterTheUseWithinTheHorizonGivesTheSameAlert() {
        TestEvents issued = lambdaIssued(at(Duration.ZERO));
        TestEvents inside = function(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "GetObject",
                at(Duration.ofSeconds(30)));
        TestEvents stolen = function(ATTACKER, CLI_AGENT, "sts.amazonaws.com", "GetCallerIdentity",
                at(Duration.ofMinutes(1)));
        TestEvents more = function(ATTACKER, CLI_AGENT, "iam.amazonaws.com", "ListRoles", at(Duration.ofMinutes(2)));
        List<String> inOrder = alerts(Map.of(), issued, inside, stolen, more);
        assertThat(inOrder).hasSize(1);
        assertThat(alerts(Map.of(), more, stolen, inside, issued)).as("AssumeRole last, within the horizon")
                .isEqualTo(inOrder);
        assertThat(alerts(Map.of(), stolen, issued, more, inside)).isEqualTo(inOrder);
    }

    @Test
    void raisesTheSameAlertsWhateverTheOrderOfArrival() {
        List<TestEvents> events = new ArrayList<>(List.of(
                lambdaIssued(at(Duration.ZERO)),
                function(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "GetObject", at(Duration.ofSeconds(10))),
                function(ATTACKER, CLI_AGENT, "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(3))),
                function(ATTACKER, CLI_AGENT, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(2))),
                taskIssued(at(Duration.ofMinutes(1))),
                task(AWS_EGRESS, FARGATE_AGENT, "s3.amazonaws.com", "PutObject", at(Duration.ofMinutes(4))),
                task("81.2.69.142", CLI_AGENT, "s3.amazonaws.com", "GetObject", at(Duration.ofMinutes(5)))));
        List<String> reference = alerts(Map.of(), events.toArray(TestEvents[]::new));
        assertThat(reference).hasSize(2);
        for (long seed = 1; seed <= 4; seed++) {
            List<TestEvents> order = new ArrayList<>(events);
            Collections.shuffle(order, new Random(seed));
            assertThat(alerts(Map.of(), order.toArray(TestEvents[]::new))).as("order %d", seed)
                    .containsExactlyInAnyOrderElementsOf(reference);
        }
    }

    /** The alerts (id, events) of these records piped in this order, with a 15-minute horizon. */
    private static List<String> alerts(Map<String, String> extra, TestEvents... order) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("reorder.horizon", "15m");
        try (TopologyHarness topology = extra.isEmpty() ? withAsns(settings)
                : new TopologyHarness(settings, FlushSignal.never())) {
            for (TestEvents event : order) {
                topology.pipe(event);
                topology.advanceWallClock(Duration.ofSeconds(2));
            }
            topology.pipe(later(Duration.ofHours(2)));
            topology.advanceWallClock(Duration.ofSeconds(2));
            topology.pipe(later(Duration.ofHours(3)));
            topology.advanceWallClock(Duration.ofSeconds(2));
            return alertsOf(topology, ID).stream().map(a -> a.alertId() + " " + a.eventIds()).sorted().toList();
        }
    }

    @Test
    void withoutAnAsnDatabaseASessionsRuntimeCallsAreTheWitness() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.never())) {
            topology.pipe(lambdaIssued(at(Duration.ZERO)));
            topology.pipe(function(AWS_EGRESS, LAMBDA_AGENT, "s3.amazonaws.com", "GetObject",
                    at(Duration.ofSeconds(1))));
            TestEvents stolen = function(ATTACKER, CLI_AGENT, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(5)));
            topology.pipe(stolen);
            // the function itself, with a library that names no runtime, from its own address: not an outsider
            topology.pipe(function(AWS_EGRESS, "python-requests/2.31.0 aws-requests-auth", "es.amazonaws.com",
                    "ESHttpGet", at(Duration.ofMinutes(6))));
            topology.pipe(later(Duration.ofMinutes(30)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).eventIds()).containsExactly(stolen.eventId());
            assertThat(alerts.get(0).evidence()).containsEntry("judgedBy", "user-agent")
                    .doesNotContainKey("asn");
        }
    }

    @Test
    void withoutAnAsnDatabaseASessionWithoutRuntimeCallsIsNotJudged() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.never())) {
            // a function on an OS-only runtime (provided.al2023): its SDK names no runtime, nothing tells its network
            topology.pipe(lambdaIssued(at(Duration.ZERO)));
            topology.pipe(function(AWS_EGRESS, "aws-sdk-rust/1.1.4 os/linux lang/rust/1.75.0", "s3.amazonaws.com",
                    "GetObject", at(Duration.ofSeconds(1))));
            topology.pipe(function(ATTACKER, CLI_AGENT, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(5))));
            topology.pipe(later(Duration.ofMinutes(30)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void readsTheAwsAutonomousSystemsSetting() {
        assertThat(WorkloadCredentialExfiltrationDetector.asns("AS16509, 14618,,8987"))
                .containsExactlyInAnyOrder(16509L, 14618L, 8987L);
        assertThatThrownBy(() -> WorkloadCredentialExfiltrationDetector.asns("16509,amazon"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("workload-credentials.aws-asns")
                .hasMessageContaining("amazon");
    }
}
