package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An EC2 instance's role credentials used away from the instance. */
class InstanceCredentialExfiltrationDetectorTest {

    private static final String ID = InstanceCredentialExfiltrationDetector.ID;
    private static final String ROLE = "arn:aws:sts::" + TestEvents.ACCOUNT + ":assumed-role/web-role/";
    private static final String WEB = "i-0a1b2c3d4e5f60001";
    private static final String NAT = "52.94.133.10";
    private static final String ATTACKER = "203.0.113.77";

    /** A call by the instance's role session as CloudTrail records it: session name = instance id. */
    private static TestEvents call(String instance, String ip, String source, String name, Instant time) {
        TestEvents e = TestEvents.event(source, name, time).sourceIp(ip);
        ObjectNode id = e.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLEWEBROLE01:" + instance);
        id.put("arn", ROLE + instance);
        id.put("accountId", TestEvents.ACCOUNT);
        id.put("accessKeyId", "ASIAEXAMPLE" + instance.substring(instance.length() - 4));
        ObjectNode context = id.putObject("sessionContext");
        context.putObject("attributes").put("creationDate", time.minusSeconds(600).toString())
                .put("mfaAuthenticated", "false");
        context.putObject("sessionIssuer").put("type", "Role").put("principalId", "AROAEXAMPLEWEBROLE01")
                .put("arn", "arn:aws:iam::" + TestEvents.ACCOUNT + ":role/web-role")
                .put("accountId", TestEvents.ACCOUNT).put("userName", "web-role");
        context.putObject("ec2RoleDelivery").put("value", "2.0");
        return e;
    }

    /**
     * The SSM agent on the instance checking in, as CloudTrail writes it: the instance's role session calls
     * UpdateInstanceInformation from the instance's address (its public IP or its NAT gateway's). What makes an
     * instance's own address known first, before any command can reach it.
     */
    private static TestEvents agent(String instance, String ip, Instant time) {
        TestEvents e = call(instance, ip, "ssm.amazonaws.com", "UpdateInstanceInformation", time);
        e.json().put("userAgent", "aws-sdk-go/1.44.299 (go1.20.11; linux; amd64) amazon-ssm-agent/3.2.1798.0");
        e.json().put("readOnly", false);
        e.json().putObject("requestParameters").put("instanceId", instance).put("agentVersion", "3.2.1798.0")
                .put("agentStatus", "Active").put("platformType", "Linux").put("platformName", "Amazon Linux")
                .put("platformVersion", "2023").put("iPAddress", "10.0.1.23")
                .put("computerName", "ip-10-0-1-23.ec2.internal").put("agentName", "amazon-ssm-agent")
                .put("availabilityZone", "us-east-1a").put("availabilityZoneId", "use1-az4");
        return e;
    }

    /** ssm:SendCommand (AWS-RunShellScript) by an IAM user from {@code ip}, naming the instances. */
    private static TestEvents sendCommand(String ip, Instant time, String... instances) {
        TestEvents e = TestEvents.event("ssm.amazonaws.com", "SendCommand", time).user("ops").sourceIp(ip);
        ObjectNode request = e.json().putObject("requestParameters").put("documentName", "AWS-RunShellScript")
                .put("interactive", false).put("parameters", "HIDDEN_DUE_TO_SECURITY_REASONS");
        ArrayNode ids = request.putArray("instanceIds");
        for (String instance : instances) {
            ids.add(instance);
        }
        return e;
    }

    private static TestEvents later(Duration offset) {
        return TestEvents.event("s3.amazonaws.com", "ListBuckets", at(offset));
    }

    @Test
    void alertsHighWhenAnInstancesCredentialsAreUsedFromAnAddressNoInstanceUses() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(agent(WEB, NAT, at(Duration.ZERO)));
            topology.pipe(call(WEB, NAT, "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(1))));
            TestEvents stolen = call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(5)));
            stolen.json().put("userAgent", "aws-cli/2.15.0 Python/3.11.6 Darwin/23.1.0 exe/x86_64");
            topology.pipe(stolen);
            topology.pipe(call(WEB, ATTACKER, "ec2.amazonaws.com", "DescribeInstances", at(Duration.ofMinutes(6))));
            assertThat(alertsOf(topology, ID)).as("decided only after the confirm delay").isEmpty();

            topology.pipe(later(Duration.ofMinutes(30)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.HIGH);
            assertThat(alert.principal()).isEqualTo(ROLE + WEB);
            assertThat(alert.sourceIp()).isEqualTo(ATTACKER);
            assertThat(alert.eventName()).isEqualTo("GetCallerIdentity");
            assertThat(alert.eventIds()).containsExactly(stolen.eventId());
            assertThat(alert.mitre()).contains("T1552.005");
            assertThat(alert.evidence()).containsEntry("instanceId", WEB).containsEntry("instanceAddress", NAT)
                    .containsEntry("newAddress", ATTACKER);
            assertThat(alert.title()).contains(WEB).contains(ATTACKER);
        }
    }

    /** {@link #call} by a session named {@code session}, its credentials issued to {@code instance} (inScopeOf). */
    private static TestEvents scoped(String instance, String session, String ip, Instant time) {
        TestEvents e = call(instance, ip, "sts.amazonaws.com", "GetCallerIdentity", time);
        ObjectNode id = e.json().with("userIdentity");
        id.put("arn", ROLE + session);
        id.put("principalId", "AROAEXAMPLEWEBROLE01:" + session);
        id.putObject("inScopeOf").put("issuerType", "AWS::EC2::Instance")
                .put("credentialsIssuedTo", "arn:aws:ec2:us-east-1:" + TestEvents.ACCOUNT + ":instance/" + instance);
        return e;
    }

    @Test
    void knowsTheInstanceFromInScopeOfWhateverTheSessionIsCalled() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(agent(WEB, NAT, at(Duration.ZERO)));
            TestEvents stolen = scoped(WEB, "User1", ATTACKER, at(Duration.ofMinutes(5)));
            topology.pipe(stolen);
            topology.pipe(later(Duration.ofMinutes(30)));

            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.evidence()).containsEntry("instanceId", WEB).containsEntry("newAddress", ATTACKER);
                assertThat(alert.eventIds()).containsExactly(stolen.eventId());
            });
        }
    }

    @Test
    void readsInScopeOfThroughBothParsersAndOnlyForAnInstance() {
        TestEvents e = scoped(WEB, "User1", ATTACKER, at(Duration.ZERO));
        CloudTrailEvent fast = ((ParseResult.Parsed) new CloudTrailParser().parse(e.bytes())).event();
        // a mapper that reads other than Jackson's defaults: the parser reads with Jackson's streaming parser only
        CloudTrailEvent streaming = ((ParseResult.Parsed) new CloudTrailParser(new ObjectMapper().enable(
                JsonParser.Feature.ALLOW_COMMENTS)).parse(e.bytes())).event();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOfCaller(fast)).isEqualTo(WEB);
        assertThat(InstanceCredentialExfiltrationDetector.instanceOfCaller(streaming)).isEqualTo(WEB);
        assertThat(fast.json().parsed()).as("read without building the record's tree").isFalse();

        e.json().with("userIdentity").with("inScopeOf").put("issuerType", "AWS::Lambda::Function")
                .put("credentialsIssuedTo", "arn:aws:lambda:us-east-1:" + TestEvents.ACCOUNT + ":function:f");
        CloudTrailEvent lambda = ((ParseResult.Parsed) new CloudTrailParser().parse(e.bytes())).event();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOfCaller(lambda)).as("not an instance").isNull();
        assertThat(InScopeOf.instanceOf("AWS::EC2::Instance", "arn:aws:ec2:us-east-1:1:instance/i-bad")).isNull();
        assertThat(InScopeOf.instanceOf("AWS::EC2::Instance", WEB)).as("not an ARN").isNull();
    }

    @Test
    void foldsUpperCaseInstanceIdsOfAnonymisedLogsIntoOneInstance() {
        String mixed = "i-786a3A8B5C0d92eF4";
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + mixed)).isEqualTo("i-786a3a8b5c0d92ef4");
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "i-786a3a8b5c0d92ef4"))
                .isEqualTo("i-786a3a8b5c0d92ef4");
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "i-786a3a8b5c0d92eG4")).isNull();
        TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ZERO));
        start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                .put("instanceId", mixed);
        assertThat(InstanceCredentialExfiltrationDetector.resets(
                ((ParseResult.Parsed) new CloudTrailParser().parse(start.bytes())).event()))
                .containsExactly("i-786a3a8b5c0d92ef4");
    }

    @Test
    void staysQuietWhenANatGatewaysNewAddressCarriesSeveralInstances() {
        try (TopologyHarness topology = new TopologyHarness()) {
            String newNat = "52.94.140.20";
            for (int i = 1; i <= 3; i++) {
                String instance = "i-0a1b2c3d4e5f6000" + i;
                topology.pipe(agent(instance, NAT, at(Duration.ofMinutes(i))));
                topology.pipe(agent(instance, newNat, at(Duration.ofMinutes(60 + i))));
            }
            topology.pipe(later(Duration.ofHours(3)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietWhenTheAddressIsAnotherInstancesOwnOrAServiceOrAPrivateEndpoint() {
        try (TopologyHarness topology = new TopologyHarness()) {
            String bastion = "i-0a1b2c3d4e5f69999";
            topology.pipe(agent(WEB, NAT, at(Duration.ZERO)));
            topology.pipe(agent(bastion, "54.210.1.1", at(Duration.ZERO)));
            // Credentials copied to the bastion host: the account's own machine, not an outsider.
            topology.pipe(call(WEB, "54.210.1.1", "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(3))));
            topology.pipe(call(WEB, "ec2.amazonaws.com", "kms.amazonaws.com", "Decrypt", at(Duration.ofMinutes(4))));
            topology.pipe(call(WEB, "AWS Internal", "s3.amazonaws.com", "GetObject", at(Duration.ofMinutes(4))));
            TestEvents viaEndpoint = call(WEB, "10.0.3.17", "s3.amazonaws.com", "GetObject",
                    at(Duration.ofMinutes(5)));
            viaEndpoint.json().put("vpcEndpointId", "vpce-0123456789abcdef0")
                    .put("vpcEndpointAccountId", TestEvents.ACCOUNT);
            topology.pipe(viaEndpoint);
            topology.pipe(later(Duration.ofHours(1)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsForAVpcEndpointOfAnotherAccount() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(agent(WEB, NAT, at(Duration.ZERO)));
            TestEvents foreign = call(WEB, "172.31.5.9", "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(2)));
            foreign.json().put("vpcEndpointId", "vpce-0fedcba9876543210").put("vpcEndpointAccountId", "444455556666");
            topology.pipe(foreign);
            topology.pipe(later(Duration.ofHours(1)));

            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> assertThat(alert.evidence())
                    .containsEntry("newAddress", "vpce-0fedcba9876543210@444455556666"));
        }
    }

    @Test
    void aRestartOrANewElasticIpLetsTheInstanceLearnItsNewAddress() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(agent(WEB, "54.1.2.3", at(Duration.ZERO)));
            TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofHours(2)));
            start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                    .put("instanceId", WEB);
            topology.pipe(start);
            topology.pipe(agent(WEB, "54.9.8.7", at(Duration.ofHours(2).plusMinutes(1))));
            // A call from the old address, made before the restart, arriving late.
            topology.pipe(agent(WEB, "54.1.2.3", at(Duration.ofHours(2).minusMinutes(1))));
            TestEvents eip = TestEvents.event("ec2.amazonaws.com", "AssociateAddress", at(Duration.ofHours(3)));
            eip.json().with("requestParameters").put("instanceId", WEB).put("allocationId", "eipalloc-0abc");
            topology.pipe(eip);
            topology.pipe(agent(WEB, "3.3.3.3", at(Duration.ofHours(3).plusMinutes(1))));
            topology.pipe(later(Duration.ofHours(5)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void waitsForTheReorderHorizonWhenItIsLongerThanTheConfirmDelay() {
        assertThat(afterARestartReadLate(false)).as("no restart: the new address is someone else's").hasSize(1);
        assertThat(afterARestartReadLate(true)).as("a restart read 20 minutes late, within the 30-minute horizon")
                .isEmpty();
    }

    /** A new address 6 minutes after the instance's own; maybe a restart at 5 minutes, read after 25 minutes. */
    private static List<Alert> afterARestartReadLate(boolean restart) {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "30m"), FlushSignal.never())) {
            topology.pipe(agent(WEB, "54.1.2.3", at(Duration.ZERO)));
            topology.pipe(agent(WEB, "54.9.8.7", at(Duration.ofMinutes(6))));
            topology.pipe(agent("i-0a1b2c3d4e5f60009", "54.7.7.7", at(Duration.ofMinutes(25))));
            topology.advanceWallClock(Duration.ofSeconds(2));
            topology.pipe(agent("i-0a1b2c3d4e5f60009", "54.7.7.7", at(Duration.ofMinutes(26))));
            assertThat(alertsOf(topology, ID)).as("confirm (15 min) is over, the horizon is not").isEmpty();
            if (restart) {
                TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofMinutes(5)));
                start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                        .put("instanceId", WEB);
                topology.pipe(start);
            }
            topology.pipe(agent("i-0a1b2c3d4e5f60009", "54.7.7.7", at(Duration.ofMinutes(70))));
            topology.advanceWallClock(Duration.ofSeconds(2));
            topology.pipe(agent("i-0a1b2c3d4e5f60009", "54.7.7.7", at(Duration.ofMinutes(72))));
            return alertsOf(topology, ID);
        }
    }

    /**
     * The contract's boundary (issue 10): the instance's restart at the very second its new address first calls,
     * arriving when event time is exactly one horizon (30 minutes, longer than the confirm delay) past it. The address
     * is decided only once event time is past that, so the restart is taken into account as in event-time order.
     */
    @Test
    void takesARestartArrivingExactlyOneHorizonBehindIntoAccount() {
        TestEvents own = agent(WEB, "54.1.2.3", at(Duration.ZERO));
        TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofMinutes(6)));
        start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                .put("instanceId", WEB);
        TestEvents fresh = agent(WEB, "54.9.8.7", at(Duration.ofMinutes(6)));
        TestEvents oneHorizonOn = agent("i-0a1b2c3d4e5f60009", "54.7.7.7", at(Duration.ofMinutes(36)));
        TestEvents end = agent("i-0a1b2c3d4e5f60009", "54.7.7.7", at(Duration.ofHours(2)));

        List<String> sorted = settledAlerts(own, start, fresh, oneHorizonOn, end);
        List<String> restartOneHorizonBehind = settledAlerts(own, fresh, oneHorizonOn, start, end);

        assertThat(settledAlerts(own, fresh, oneHorizonOn, end)).as("without the restart, the new address alerts")
                .singleElement().satisfies(a -> assertThat(a).contains(fresh.eventId()));
        assertThat(sorted).as("the restart gives the instance its new address").isEmpty();
        assertThat(restartOneHorizonBehind).isEqualTo(sorted);
    }

    /**
     * The instance's call from its old address, its restart, its call from the new one, then its credentials used from
     * elsewhere: the theft alerts whether the restart's record is read in its place or after the use (review, session
     * 25: read late, the restart left the instance with no address of its own until its next call, and the use was
     * never judged).
     */
    @Test
    void aTheftAfterARestartReadLateAlertsAsInEventTimeOrder() {
        TestEvents own = agent(WEB, "54.1.2.3", at(Duration.ZERO));
        TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofMinutes(10)));
        start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                .put("instanceId", WEB);
        TestEvents fresh = agent(WEB, "54.9.8.7", at(Duration.ofMinutes(11)));
        TestEvents theft = call(WEB, "203.0.113.77", "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(20)));

        List<String> sorted = settledAlerts(own, start, fresh, theft);

        assertThat(sorted).singleElement().satisfies(a -> assertThat(a).contains(theft.eventId()));
        assertThat(settledAlerts(own, fresh, theft, start)).as("the restart read after the use").isEqualTo(sorted);
        assertThat(settledAlerts(own, fresh, start, theft)).as("the restart read before the use").isEqualTo(sorted);
    }

    /**
     * Another instance's public address, then its restart (a new public address) 10 minutes on, then this instance's
     * credentials used from the old address: by then the address is nobody's own, so the use alerts, whether the other
     * instance's call from it arrived before the restart's record or after it, within the horizon (review, session
     * 24). Used while it was still the other instance's own, the address is shared egress in either order.
     */
    @Test
    void aRestartEndsTheInstancesOwnershipOfItsOldAddressWhateverTheOrderOfArrival() {
        TestEvents webOwn = agent(WEB, NAT, at(Duration.ZERO));
        TestEvents own = agent(FLEET_2, "54.1.2.3", at(Duration.ZERO));
        TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofMinutes(10)));
        start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                .put("instanceId", FLEET_2);
        TestEvents fresh = agent(FLEET_2, "54.9.8.7", at(Duration.ofMinutes(11)));
        TestEvents after = call(WEB, "54.1.2.3", "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(20)));

        List<String> sorted = settledAlerts(webOwn, own, start, fresh, after);
        List<String> restartFirst = settledAlerts(webOwn, start, own, fresh, after);

        assertThat(sorted).as("used from the old address after the restart").singleElement()
                .satisfies(a -> assertThat(a).contains(after.eventId()));
        assertThat(restartFirst).isEqualTo(sorted);

        TestEvents before = call(WEB, "54.1.2.3", "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(5)));
        assertThat(settledAlerts(webOwn, own, before, start, fresh)).as("used before the restart").isEmpty();
        assertThat(settledAlerts(webOwn, own, start, fresh, before)).as("the same use, read after it").isEmpty();
    }

    /**
     * Another instance's address moves (an Elastic IP associated with it) 10 minutes after its first call from the
     * old one; this instance's use of the old address after the move is read late, after the other instance's new
     * address: the same alert whether the other instance's call from the old address arrived before the move's record
     * or after it.
     */
    @Test
    void anAddressMovedAwayIsNoOwnersForALaterUseReadLateWhateverTheOrderOfArrival() {
        TestEvents webOwn = agent(WEB, NAT, at(Duration.ZERO));
        TestEvents own = agent(FLEET_2, "54.1.2.3", at(Duration.ofMinutes(2)));
        TestEvents moved = TestEvents.event("ec2.amazonaws.com", "AssociateAddress", at(Duration.ofMinutes(12)));
        moved.json().with("requestParameters").put("instanceId", FLEET_2).put("allocationId", "eipalloc-0abc");
        TestEvents elastic = agent(FLEET_2, "3.3.3.3", at(Duration.ofMinutes(13)));
        TestEvents use = call(WEB, "54.1.2.3", "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(14)));

        List<String> ownFirst = settledAlerts(webOwn, own, moved, elastic, use);
        List<String> moveFirst = settledAlerts(webOwn, moved, elastic, own, use);

        assertThat(ownFirst).as("the old address is nobody's own by then").singleElement()
                .satisfies(a -> assertThat(a).contains(use.eventId()));
        assertThat(moveFirst).isEqualTo(ownFirst);
    }

    /**
     * The alerts (id, events) of these records piped in this order, with a 30-minute horizon, once event time is two
     * hours on everywhere: the input's partitions quiet for longer than they hold closing back, every wait over.
     */
    private static List<String> settledAlerts(TestEvents... order) {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "30m"), FlushSignal.never())) {
            for (TestEvents event : order) {
                topology.pipe(event);
                topology.advanceWallClock(Duration.ofSeconds(2));
            }
            topology.advanceWallClock(Duration.ofMinutes(2));
            topology.pipe(later(Duration.ofHours(2)));
            topology.advanceWallClock(Duration.ofSeconds(2));
            topology.pipe(later(Duration.ofHours(2).plusMinutes(1)));
            return alertsOf(topology, ID).stream().map(a -> a.alertId() + " " + a.eventIds()).toList();
        }
    }

    /** The alerts (id, events) of these records piped in this order, with a 30-minute horizon. */
    private static List<String> instanceAlerts(TestEvents... order) {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "30m"), FlushSignal.never())) {
            for (TestEvents event : order) {
                topology.pipe(event);
                topology.advanceWallClock(Duration.ofSeconds(2));
            }
            return alertsOf(topology, ID).stream().map(a -> a.alertId() + " " + a.eventIds()).toList();
        }
    }

    @Test
    void raisesTheSameAlertWhateverTheOrderOfArrivalWithinTheConfirmDelay() {
        List<TestEvents> events = new ArrayList<>();
        events.add(agent(WEB, NAT, at(Duration.ofMinutes(10))));
        events.add(call(WEB, NAT, "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(11))));
        events.add(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(12))));
        events.add(call(WEB, ATTACKER, "iam.amazonaws.com", "ListRoles", at(Duration.ofMinutes(13))));
        events.add(agent("i-0a1b2c3d4e5f60002", NAT, at(Duration.ofMinutes(12))));
        List<String> reference = null;
        for (long seed = 1; seed <= 4; seed++) {
            List<TestEvents> order = new ArrayList<>(events);
            Collections.shuffle(order, new Random(seed));
            try (TopologyHarness topology = new TopologyHarness()) {
                order.forEach(topology::pipe);
                topology.pipe(later(Duration.ofHours(1)));
                List<String> outcome = alertsOf(topology, ID).stream()
                        .map(a -> a.alertId() + a.evidence().get("instanceAddress") + a.evidence().get("newAddress")
                                + a.eventIds())
                        .toList();
                if (reference == null) {
                    reference = outcome;
                    assertThat(outcome).hasSize(1).allMatch(o -> o.contains(NAT + ATTACKER));
                } else {
                    assertThat(outcome).isEqualTo(reference);
                }
            }
        }
    }

    @Test
    void theEndOfInputDecidesWhatIsStillWaiting() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            topology.pipe(agent(WEB, NAT, at(Duration.ZERO)));
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(1))));
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    // --- a command that reaches into the instance, then its credentials used from where the command came from ---

    private static final String FLEET_1 = "i-0a1b2c3d4e5f60001";
    private static final String FLEET_2 = "i-0a1b2c3d4e5f60002";
    private static final String FLEET_3 = "i-0a1b2c3d4e5f60003";

    /**
     * Stratus Red Team's recorded ec2-steal-instance-credentials: the log holds none of the instance's own calls; an
     * IAM user sends it a command, and 31 seconds later the instance's role session is used for the first time ever,
     * from the user's address. That address cannot be the instance's own.
     */
    @Test
    void alertsWhenTheCredentialsAreFirstUsedFromTheAddressACommandToTheInstanceCameFrom() {
        try (TopologyHarness topology = new TopologyHarness()) {
            TestEvents command = sendCommand(ATTACKER, at(Duration.ZERO), WEB);
            topology.pipe(command);
            TestEvents stolen = call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofSeconds(31)));
            topology.pipe(stolen);
            topology.pipe(call(WEB, ATTACKER, "ec2.amazonaws.com", "DescribeInstances", at(Duration.ofSeconds(32))));
            topology.pipe(later(Duration.ofMinutes(30)));

            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.severity()).isEqualTo(Severity.HIGH);
                assertThat(alert.eventIds()).containsExactly(stolen.eventId());
                assertThat(alert.sourceIp()).isEqualTo(ATTACKER);
                assertThat(alert.evidence()).containsEntry("instanceId", WEB).containsEntry("newAddress", ATTACKER)
                        .containsEntry("commandEventId", command.eventId())
                        .containsEntry("commandBy", "arn:aws:iam::" + TestEvents.ACCOUNT + ":user/ops")
                        .containsEntry("commandCall", "ssm.amazonaws.com:SendCommand")
                        .doesNotContainKey("instanceAddress");
                assertThat(alert.description()).contains("31s after arn:aws:iam::" + TestEvents.ACCOUNT
                        + ":user/ops called SendCommand").contains(command.eventId());
            });
        }
    }

    /**
     * One command to three (or four) instances, then all their credentials used from the command's address: three
     * instances on one address, but none of them was there before the command. The attack's reach is no cover: an
     * alert per instance.
     */
    @Test
    void oneCommandToSeveralInstancesThenAllUsedFromItsAddressRaisesOnePerInstance() {
        for (List<String> fleet : List.of(List.of(FLEET_1, FLEET_2, FLEET_3),
                List.of(FLEET_1, FLEET_2, FLEET_3, "i-0a1b2c3d4e5f60004"))) {
            try (TopologyHarness topology = new TopologyHarness()) {
                topology.pipe(sendCommand(ATTACKER, at(Duration.ZERO), fleet.toArray(String[]::new)));
                for (String instance : fleet) {
                    topology.pipe(call(instance, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity",
                            at(Duration.ofMinutes(1))));
                }
                topology.pipe(later(Duration.ofMinutes(30)));

                assertThat(alertsOf(topology, ID)).extracting(a -> a.evidence().get("instanceId"))
                        .containsExactlyInAnyOrderElementsOf(fleet);
            }
        }
    }

    /**
     * Instances whose use of an address a command tainted never make it shared egress for another: two instances
     * commanded from the attacker's address and used from there, then a third instance's credentials (stolen
     * otherwise) used from it too. Three instances on the address, none of them there in its own right: three alerts.
     */
    @Test
    void commandTaintedInstancesDoNotMakeTheAddressSharedForAnother() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(agent(WEB, NAT, at(Duration.ZERO)));
            topology.pipe(sendCommand(ATTACKER, at(Duration.ofMinutes(10)), FLEET_2, FLEET_3));
            topology.pipe(call(FLEET_2, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(11))));
            topology.pipe(call(FLEET_3, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(11))));
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(12))));
            topology.pipe(later(Duration.ofHours(1)));

            assertThat(alertsOf(topology, ID)).extracting(a -> a.evidence().get("instanceId"))
                    .containsExactlyInAnyOrder(WEB, FLEET_2, FLEET_3);
        }
    }

    /**
     * Automation behind the instances' NAT (a Lambda function, a CI runner) starts an instance and sends it a command;
     * the instance's SSM agent registered from the same NAT before the command, as it must for the command to run.
     * The NAT is the instance's own address, even with no other instance seen behind it: no alert.
     */
    @Test
    void staysQuietWhenTheInstanceUsedTheCommandsAddressBeforeTheCommand() {
        try (TopologyHarness topology = new TopologyHarness()) {
            TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofHours(5)))
                    .sourceIp(NAT);
            start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                    .put("instanceId", WEB);
            topology.pipe(start);
            topology.pipe(agent(WEB, NAT, at(Duration.ofHours(5).plusSeconds(30))));
            topology.pipe(sendCommand(NAT, at(Duration.ofHours(5).plusMinutes(1)), WEB));
            topology.pipe(call(WEB, NAT, "s3.amazonaws.com", "GetObject", at(Duration.ofHours(5).plusMinutes(3))));
            topology.pipe(later(Duration.ofHours(6)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    /** An administrator's command, then the instance's own calls from its own address: nothing to report. */
    @Test
    void staysQuietWhenAnAdministratorsCommandIsFollowedByTheInstanceCallingFromItsOwnAddress() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(agent(WEB, NAT, at(Duration.ZERO)));
            topology.pipe(sendCommand(ATTACKER, at(Duration.ofMinutes(60)), WEB));
            topology.pipe(call(WEB, NAT, "s3.amazonaws.com", "ListBuckets", at(Duration.ofMinutes(61))));
            topology.pipe(later(Duration.ofHours(2)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    /** A command names the instances it reaches: one naming another instance says nothing about this one. */
    @Test
    void aCommandNamingAnotherInstanceSaysNothingAboutThisOne() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(sendCommand(ATTACKER, at(Duration.ZERO), FLEET_2));
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(1))));
            topology.pipe(later(Duration.ofMinutes(30)));

            assertThat(alertsOf(topology, ID)).as("the address is the instance's own, as without the command")
                    .isEmpty();
        }
    }

    /** The command taints only a first use within the confirm delay after it. */
    @Test
    void aCommandLongerThanTheConfirmDelayBeforeTheFirstUseSaysNothing() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(sendCommand(ATTACKER, at(Duration.ZERO), WEB));
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(16))));
            topology.pipe(later(Duration.ofHours(1)));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    /** Targets by instance id (SendCommand), a session (StartSession), an SSH key (EC2 Instance Connect). */
    @Test
    void readsTheInstancesEachKindOfCommandNames() {
        TestEvents targets = TestEvents.event("ssm.amazonaws.com", "SendCommand", at(Duration.ZERO));
        ObjectNode target = targets.json().with("requestParameters").putArray("targets").addObject()
                .put("key", "InstanceIds");
        target.putArray("values").add("i-0A1B2C3D4E5F60001").add(FLEET_2);
        targets.json().with("requestParameters").withArray("targets").addObject().put("key", "tag:Env")
                .putArray("values").add("i-0a1b2c3d4e5f60009");
        TestEvents session = TestEvents.event("ssm.amazonaws.com", "StartSession", at(Duration.ZERO));
        session.json().with("requestParameters").put("target", FLEET_3);
        TestEvents ssh = TestEvents.event("ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", at(Duration.ZERO));
        ssh.json().with("requestParameters").put("instanceId", WEB).put("instanceOSUser", "ec2-user");
        TestEvents denied = sendCommand(ATTACKER, at(Duration.ZERO), WEB).error("AccessDenied", "no");
        TestEvents self = sendCommand(ATTACKER, at(Duration.ZERO), WEB, FLEET_2);
        ObjectNode id = self.json().putObject("userIdentity");
        id.put("type", "AssumedRole").put("arn", ROLE + WEB).put("accountId", TestEvents.ACCOUNT);

        assertThat(InstanceCredentialExfiltrationDetector.commanded(parsed(targets)))
                .containsExactly(FLEET_1, FLEET_2);
        assertThat(InstanceCredentialExfiltrationDetector.commanded(parsed(session))).containsExactly(FLEET_3);
        assertThat(InstanceCredentialExfiltrationDetector.commanded(parsed(ssh))).containsExactly(WEB);
        assertThat(InstanceCredentialExfiltrationDetector.commanded(parsed(denied))).isEmpty();
        assertThat(InstanceCredentialExfiltrationDetector.commanded(parsed(self))).as("not the caller's own")
                .containsExactly(FLEET_2);
        assertThat(InstanceCredentialExfiltrationDetector.isCandidate(parsed(
                TestEvents.event("ssm.amazonaws.com", "GetCommandInvocation", at(Duration.ZERO))))).isFalse();
    }

    private static CloudTrailEvent parsed(TestEvents e) {
        return ((ParseResult.Parsed) new CloudTrailParser().parse(e.bytes())).event();
    }

    /**
     * Whether an address is shared egress is a function of the input: only instances whose first use of it is at or
     * before the decision's own event time count. Two instances using the address ten and twenty hours later do not
     * undo the alert, whether or not other calls moved event time on in between (review of session 22, problem 1).
     */
    @Test
    void instancesThatUseTheAddressLaterDoNotMakeItSharedAfterTheFact() {
        assertThat(laterUsers(false)).as("nothing in between").hasSize(1)
                .allMatch(a -> ((Number) a.evidence().get("otherInstancesUsingNewAddress")).intValue() == 0);
        assertThat(laterUsers(true)).as("other calls in between").hasSize(1)
                .allMatch(a -> ((Number) a.evidence().get("otherInstancesUsingNewAddress")).intValue() == 0);
    }

    private static List<Alert> laterUsers(boolean filler) {
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            topology.pipe(agent(WEB, "192.0.2.50", at(Duration.ofMinutes(1))));
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(10))));
            if (filler) {
                for (int m = 11; m < 600; m += 5) {
                    topology.pipe(agent(FLEET_3, "192.0.2.1", at(Duration.ofMinutes(m))));
                }
            }
            topology.pipe(agent(FLEET_2, ATTACKER, at(Duration.ofHours(10))));
            topology.pipe(agent("i-0a1b2c3d4e5f60004", ATTACKER, at(Duration.ofHours(20))));
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            return alertsOf(topology, ID);
        }
    }

    /**
     * Another instance that had used the address long before, and makes it its own only when it restarts hours after
     * this instance's use was decided, does not take the alert back: the same alert whether or not other calls moved
     * time along in between (review scenario anchx-1200).
     */
    @Test
    void anInstanceThatMakesTheAddressItsOwnLaterDoesNotMakeItSharedAfterTheFact() {
        assertThat(laterOwner(false)).as("nothing in between").hasSize(1);
        assertThat(laterOwner(true)).as("other calls in between").hasSize(1);
    }

    private static List<Alert> laterOwner(boolean filler) {
        // with a reorder horizon, decisions wait for the input's progress, reported once a second of wall clock
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"),
                FlushSignal.onRequest())) {
            topology.pipe(agent(FLEET_2, "192.0.2.60", at(Duration.ofMinutes(1))));
            topology.pipe(agent(FLEET_2, ATTACKER, at(Duration.ofMinutes(21))));
            topology.pipe(agent(WEB, "192.0.2.50", at(Duration.ofMinutes(1))));
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(31))));
            if (filler) {
                for (int m = 32; m < 20 * 60; m += 5) {
                    topology.pipe(agent(FLEET_3, "192.0.2.1", at(Duration.ofMinutes(m))));
                    topology.advanceWallClock(Duration.ofSeconds(1));
                }
            }
            TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofHours(20)));
            start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                    .put("instanceId", FLEET_2);
            topology.pipe(start);
            topology.pipe(agent(FLEET_2, ATTACKER, at(Duration.ofHours(20).plusSeconds(6))));
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            return alertsOf(topology, ID).stream().filter(a -> WEB.equals(a.evidence().get("instanceId"))).toList();
        }
    }

    /**
     * The command that made the instance's use suspect, then more than 32 commands from the same address naming
     * another instance, before and after the use's decision is due: the same alert, naming the same command, whatever
     * other traffic moved time along in between (review scenarios evict2, evict3 / evict3f).
     */
    @Test
    void laterCommandsFromTheSameAddressDoNotPushOutTheOneThatTaintedTheUse() {
        List<String> sparse = laterCommands(false);
        assertThat(sparse).as("nothing in between").hasSize(1);
        assertThat(laterCommands(true)).as("other calls in between").isEqualTo(sparse);
    }

    private static List<String> laterCommands(boolean filler) {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"),
                FlushSignal.onRequest())) {
            TestEvents command = sendCommand(ATTACKER, at(Duration.ofMinutes(10)), WEB);
            topology.pipe(command);
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(11))));
            if (filler) {
                for (int second = 13 * 60; second <= 25 * 60 + 50; second += 10) {
                    topology.pipe(agent(FLEET_3, "192.0.2.1", at(Duration.ofSeconds(second))));
                }
            }
            // the attacker's own: sent before the use's decision is due (evict2), and just after it (evict3)
            for (int k = 0; k < 40; k++) {
                topology.pipe(sendCommand(ATTACKER, at(Duration.ofMinutes(12).plusSeconds(k)), FLEET_2));
            }
            for (int k = 0; k < 40; k++) {
                topology.pipe(sendCommand(ATTACKER, at(Duration.ofMinutes(26).plusMillis(500 + 100 * k)), FLEET_2));
            }
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).allMatch(a -> command.eventId().equals(a.evidence().get("commandEventId")));
            return alerts.stream().map(a -> a.evidence().get("instanceId") + " " + a.evidence().get("commandAt"))
                    .toList();
        }
    }

    /**
     * Review scenario cap-late (session 24): the command, then eight more naming the same instance from the same
     * address, and the stolen credentials' use (30 s after the first command) arriving last, eight minutes late but
     * within the horizon. It needs the first command, which nine commands to one instance must not have pushed out:
     * the same alert as when the use arrives right after it.
     */
    @Test
    void manyLaterCommandsToTheSameInstanceDoNotPushOutTheOneAUseOnItsWayNeeds() {
        assertThat(commandsToOneInstance(true)).isEqualTo(commandsToOneInstance(false)).hasSize(1);
    }

    /**
     * The command to the instance is older than the address's newest command (to another instance) minus the horizon,
     * but the use it taints, arriving last, is not: the address keeps, per instance, the latest command before the
     * horizon too.
     */
    @Test
    void theLatestCommandBeforeTheHorizonIsKeptForAUseStillOnItsWay() {
        assertThat(commandThenAnotherInstance(true)).isEqualTo(commandThenAnotherInstance(false)).hasSize(1);
    }

    private static List<String> commandThenAnotherInstance(boolean useArrivesLast) {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m",
                "instance-credentials.confirm", "20m"), FlushSignal.onRequest())) {
            TestEvents command = sendCommand(ATTACKER, at(Duration.ofMinutes(10)), WEB);
            TestEvents use = call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(24)));
            topology.pipe(command);
            if (!useArrivesLast) {
                topology.pipe(use);
            }
            topology.pipe(sendCommand(ATTACKER, at(Duration.ofMinutes(26)), FLEET_2));
            if (useArrivesLast) {
                topology.pipe(use);
            }
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            return alertsOf(topology, ID).stream().filter(a -> WEB.equals(a.evidence().get("instanceId")))
                    .map(a -> a.severity() + " " + a.evidence().get("commandEventId").equals(command.eventId()))
                    .toList();
        }
    }

    private static List<String> commandsToOneInstance(boolean useArrivesLast) {
        try (TopologyHarness topology = new TopologyHarness(Map.of("reorder.horizon", "15m"),
                FlushSignal.onRequest())) {
            TestEvents command = sendCommand(ATTACKER, at(Duration.ofMinutes(10)), WEB);
            TestEvents use = call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity",
                    at(Duration.ofMinutes(10).plusSeconds(30)));
            topology.pipe(command);
            if (!useArrivesLast) {
                topology.pipe(use);
            }
            for (int k = 1; k <= 8; k++) {
                topology.pipe(sendCommand(ATTACKER, at(Duration.ofMinutes(10 + k)), WEB));
            }
            if (useArrivesLast) {
                topology.pipe(use);
            }
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            return alertsOf(topology, ID).stream().map(a -> a.severity() + " " + a.evidence().get("instanceId") + " "
                    + a.evidence().get("commandEventId").equals(command.eventId())).toList();
        }
    }

    /**
     * The command, the credentials used from where it came from, then StartInstances sent to the instance while it
     * was running (review scenario restart-cmd): nothing restarted, so the theft stands; a start of a stopped instance
     * still begins its new life.
     */
    @Test
    void aStartInstancesOfARunningInstanceDoesNotEraseAnEarlierTheft() {
        assertThat(startedAfterTheft("running")).as("already running").singleElement()
                .satisfies(a -> assertThat(a.evidence()).containsEntry("instanceId", WEB));
        assertThat(startedAfterTheft("stopped")).as("stopped, then started").isEmpty();
        assertThat(startedAfterTheft(null)).as("no response to read: a start").isEmpty();
    }

    private static List<Alert> startedAfterTheft(String previousState) {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(sendCommand(ATTACKER, at(Duration.ofMinutes(10)), WEB));
            topology.pipe(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(11))));
            TestEvents start = TestEvents.event("ec2.amazonaws.com", "StartInstances", at(Duration.ofMinutes(12)))
                    .sourceIp(ATTACKER);
            start.json().with("requestParameters").putObject("instancesSet").putArray("items").addObject()
                    .put("instanceId", WEB);
            if (previousState != null) {
                ObjectNode item = start.json().putObject("responseElements").putObject("instancesSet")
                        .putArray("items").addObject().put("instanceId", WEB);
                boolean running = "running".equals(previousState);
                item.putObject("currentState").put("code", running ? 16 : 0)
                        .put("name", running ? "running" : "pending");
                item.putObject("previousState").put("code", running ? 16 : 80).put("name", previousState);
            }
            topology.pipe(start);
            topology.pipe(later(Duration.ofHours(1)));
            return alertsOf(topology, ID);
        }
    }

    /**
     * Three instances make an address their own, learned in any order: the address keeps the two that became so
     * first, so whose own address it was at a decision's moment does not depend on which calls arrived first (it
     * kept the first two to arrive). Asserted on the state: a decision runs once event time is past its moment, and
     * an owner that counts then (since at or before it) arrives before it runs, so no alert shows this on its own.
     */
    @Test
    void anAddressKeepsTheOwnersThatBecameSoFirstWhateverTheOrderTheyAreLearnedIn() {
        String fourth = "i-0a1b2c3d4e5f60004";
        OriginState inOrder = OriginState.EMPTY.ownOf(FLEET_2, 25L).ownOf(FLEET_3, 40L).ownOf(fourth, 41L);
        OriginState firstLast = OriginState.EMPTY.ownOf(FLEET_3, 40L).ownOf(fourth, 41L).ownOf(FLEET_2, 25L);
        OriginState again = inOrder.ownOf(fourth, 10L);

        assertThat(firstLast).isEqualTo(inOrder);
        assertThat(inOrder.anchoredBy()).containsExactly(FLEET_2, FLEET_3);
        assertThat(firstLast.ownersAt(31L, 31L, Long.MAX_VALUE)).containsExactly(FLEET_2);
        assertThat(again.anchoredBy()).as("an earlier moment learned late").containsExactly(fourth, FLEET_2);
        assertThat(again.anchoredSince()).containsExactly(10L, 25L);
    }

    /**
     * An ownership ended by a restart or a new address is kept with its end: it counts for a use before the end, not
     * for one at or after it. One that "ends" at or before it began (an earlier call from elsewhere, a command that
     * taints the first use) never was, and goes. The address becoming the instance's own again is a new ownership.
     * Ended ones are kept while a decision may ask (dropped once they ended before a given moment), at most four.
     */
    @Test
    void anEndedOwnershipCountsForUsesBeforeItsEndOnly() {
        OriginState restarted = OriginState.EMPTY.ownOf(FLEET_2, 100L).notOwnOf(FLEET_2, 500L);
        assertThat(restarted.ownersAt(499L, 1_000L, Long.MAX_VALUE)).containsExactly(FLEET_2);
        assertThat(restarted.ownersAt(500L, 1_000L, Long.MAX_VALUE)).as("used when it ended").isEmpty();
        assertThat(restarted.ownersAt(50L, 99L, Long.MAX_VALUE)).as("decided before it began").isEmpty();
        assertThat(restarted.ownersAt(200L, 300L, 100L)).as("a command before it began").isEmpty();

        assertThat(OriginState.EMPTY.ownOf(FLEET_2, 100L).notOwnOf(FLEET_2, 100L)).isEqualTo(OriginState.EMPTY);
        assertThat(OriginState.EMPTY.ownOf(FLEET_2, 100L).notOwnOf(FLEET_2, 40L)).isEqualTo(OriginState.EMPTY);

        OriginState again = restarted.ownOf(FLEET_2, 700L);
        assertThat(again.anchoredBy()).containsExactly(FLEET_2, FLEET_2);
        assertThat(again.anchoredUntil()).containsExactly(500L, OriginState.CURRENT);
        assertThat(again.ownersAt(600L, 650L, Long.MAX_VALUE)).as("between the two").isEmpty();
        assertThat(again.withoutEndedBefore(499L)).isEqualTo(again);
        assertThat(again.withoutEndedBefore(500L).anchoredSince()).containsExactly(700L);

        OriginState many = OriginState.EMPTY;
        for (int i = 1; i <= 6; i++) {
            many = many.ownOf("i-0a1b2c3d4e5f6000" + i, i * 10L).notOwnOf("i-0a1b2c3d4e5f6000" + i, i * 10L + 5);
        }
        assertThat(many.anchoredUntil()).as("the four that ended last").containsExactly(35L, 45L, 55L, 65L);
    }

    /** Address state written before the owners' moments were kept still reads: its owners, owners since long ago. */
    @Test
    void readsAddressStateWrittenBeforeTheOwnersMomentsWereKept() {
        OriginState now = new OriginState(null, List.of(), List.of(), List.of(FLEET_2), Long.MIN_VALUE, 5L,
                Long.MIN_VALUE, List.of(1_000L), List.of(new Origin(ATTACKER, 900L, "e-1", null, true)));
        byte[] bytes = OriginStateCodec.SERDE.serializer().serialize("t", now);
        assertThat(OriginStateCodec.SERDE.deserializer().deserialize("t", bytes)).isEqualTo(now);
        // the layout before: the same fields up to dueAt, no moments
        BinaryCodec.Out out = new BinaryCodec.Out(64).writeByte(CompactSerde.VERSION);
        out.writeNullable((Origin) null, (o, origin) -> { }).writeList(List.<Origin>of(), (o, origin) -> { })
                .writeList(List.<String>of(), BinaryCodec.Out::writeString)
                .writeList(List.of(FLEET_2), BinaryCodec.Out::writeString)
                .writeLong(Long.MIN_VALUE).writeLong(5L).writeLong(Long.MIN_VALUE);
        OriginState older = OriginStateCodec.SERDE.deserializer().deserialize("t", out.toByteArray());
        assertThat(older.anchoredBy()).containsExactly(FLEET_2);
        assertThat(older.anchoredSince()).containsExactly(Long.MIN_VALUE);
        OriginState legacy = new OriginState(null, List.of(), List.of(), List.of(FLEET_2), Long.MIN_VALUE, 5L,
                Long.MIN_VALUE);
        assertThat(legacy.ownersAt(0L, 0L, Long.MAX_VALUE)).containsExactly(FLEET_2);
        assertThat(now.ownersAt(999L, 999L, Long.MAX_VALUE)).isEmpty();
        assertThat(now.ownersAt(1_000L, 1_000L, Long.MAX_VALUE)).containsExactly(FLEET_2);
    }

    /**
     * The command, the stolen use, the instance's later calls from its own address and another instance's use of
     * the command's address, in every order of arrival within the confirm delay: the same alert.
     */
    @Test
    void aCommandTaintsTheAddressWhateverTheOrderOfArrival() {
        List<TestEvents> events = new ArrayList<>();
        TestEvents command = sendCommand(ATTACKER, at(Duration.ofMinutes(10)), WEB, FLEET_2);
        events.add(command);
        events.add(call(WEB, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(11))));
        events.add(call(FLEET_2, ATTACKER, "sts.amazonaws.com", "GetCallerIdentity", at(Duration.ofMinutes(11))));
        events.add(agent(WEB, NAT, at(Duration.ofMinutes(13))));
        events.add(agent(FLEET_3, ATTACKER, at(Duration.ofMinutes(14))));
        List<String> reference = null;
        for (long seed = 1; seed <= 8; seed++) {
            List<TestEvents> order = new ArrayList<>(events);
            Collections.shuffle(order, new Random(seed));
            try (TopologyHarness topology = new TopologyHarness()) {
                order.forEach(topology::pipe);
                topology.pipe(later(Duration.ofHours(1)));
                List<String> outcome = alertsOf(topology, ID).stream()
                        .map(a -> a.alertId() + a.evidence().get("instanceId") + a.evidence().get("instanceAddress")
                                + a.evidence().get("newAddress") + a.evidence().get("commandEventId") + a.eventIds())
                        .sorted().toList();
                if (reference == null) {
                    reference = outcome;
                    // WEB's own address is the NAT it used after; FLEET_2 has none; FLEET_3 was not named
                    assertThat(outcome).hasSize(2).allMatch(o -> o.contains(ATTACKER + command.eventId()));
                    assertThat(outcome).anyMatch(o -> o.contains(WEB + NAT))
                            .anyMatch(o -> o.contains(FLEET_2 + "null"));
                } else {
                    assertThat(outcome).as("order " + seed).isEqualTo(reference);
                }
            }
        }
    }

    @Test
    void readsTheVpcEndpointFromTheRecordsBytesWithoutBuildingItsTree() {
        TestEvents e = call(WEB, "10.0.3.17", "s3.amazonaws.com", "GetObject", at(Duration.ZERO));
        e.json().put("vpcEndpointId", "vpce-0fedcba9876543210").put("vpcEndpointAccountId", "444455556666");
        ParseResult parsed = new CloudTrailParser().parse(e.bytes());
        CloudTrailEvent event = ((ParseResult.Parsed) parsed).event();

        assertThat(EndpointFields.of(event)).isEqualTo(new EndpointFields("vpce-0fedcba9876543210", "444455556666"));
        assertThat(event.json().parsed()).isFalse();
        assertThat(InstanceCredentialExfiltrationDetector.origin(event))
                .isEqualTo("vpce-0fedcba9876543210@444455556666");
    }

    @Test
    void readsInstanceIdsOnlyFromInstanceNamedRoleSessions() {
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + WEB)).isEqualTo(WEB);
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "i-0a1b2c3d")).isEqualTo("i-0a1b2c3d");
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "i-am-bob")).isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "i-0A1B2C3D"))
                .as("upper-case hex (anonymised logs) folded to the id EC2 writes").isEqualTo("i-0a1b2c3d");
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "i-zzzzzzzz")).isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "i-0a1b2c3d4")).as("9 hex digits")
                .isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + WEB + "/x")).as("not the session")
                .isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "bob-" + WEB)).as("an id in a longer name")
                .isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(ROLE + "bob-i-0a1b2c3d")).isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf("/i-0a1b2c3d")).isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf("i-0a1b2c3d")).as("not an ARN").isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf(null)).isNull();
        assertThat(InstanceCredentialExfiltrationDetector.instanceOf("arn:aws:iam::111122223333:user/i-0a1b2c3d"))
                .isNull();
        assertThat(Addresses.isLiteral("ec2.amazonaws.com")).isFalse();
        assertThat(Addresses.isLiteral("AWS Internal")).isFalse();
        assertThat(Addresses.isLiteral("2001:db8::1")).isTrue();
        assertThat(Addresses.isPrivate("172.20.1.1")).isTrue();
        assertThat(Addresses.isPrivate("172.32.1.1")).isFalse();
        assertThat(Addresses.isPrivate("fd00::1")).isTrue();
    }
}
