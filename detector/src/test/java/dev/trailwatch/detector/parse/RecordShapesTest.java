package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.rules.TestEvents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shapes real CloudTrail takes and our hand-written records rarely did ({@code realworld/record-shapes.jsonl}, see
 * its README), through the real topology with the default settings, in event-time order: network activity events
 * ({@code AwsVpceEvent}), service events, console and Identity Center sign-ins, every {@code userIdentity} type, an
 * empty or missing ARN, {@code AWS Internal} and service names as source addresses, IPv6, fractional seconds and an
 * offset in {@code eventTime}, EC2's error codes, {@code responseElements} as a string, a {@code us-gov} partition,
 * no {@code userIdentity} at all; and a request of a megabyte. None may be dead-lettered; every alert names its
 * account and principal; and only the records below, which a deployment wants to hear about, raise MEDIUM or above.
 */
class RecordShapesTest {

    /** eventID -> the MEDIUM+ rules it must raise; every other record must raise none. */
    private static final Map<String, List<String>> MEDIUM_OR_ABOVE = Map.of(
            "root-console-sign-in-ipv6", List.of("root-console-login"),
            // an AWSAccount caller is a principal of another account; no account is configured as known here
            "cross-account-data-event", List.of("foreign-account"),
            "policy-of-a-megabyte", List.of("iam-policy-changed"));

    @Test
    void everyShapeIsReadAndOnlyTheRecordsThatMatterRaiseMediumOrAbove() throws IOException {
        List<JsonNode> records = new ArrayList<>(shapes());
        records.add(policyOfAMegabyte());
        records.sort(Comparator.comparing(r -> Instant.parse(r.get("eventTime").asText())));

        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            records.forEach(topology::pipeJson);
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));

            assertThat(topology.deadLetters()).as("records dead-lettered").isEmpty();
            List<Alert> alerts = topology.alertValues();
            Map<String, TreeSet<String>> raised = new TreeMap<>();
            for (Alert alert : alerts) {
                assertThat(alert.accountId()).as(alert.ruleId() + " account").isEqualTo("210987654321");
                assertThat(alert.principal()).as(alert.ruleId() + " principal").isNotBlank().isNotEqualTo("unknown");
                if (alert.severity().atLeast(Severity.MEDIUM)) {
                    alert.eventIds().forEach(id -> raised.computeIfAbsent(id, k -> new TreeSet<>()).add(alert.ruleId()));
                }
            }
            Map<String, TreeSet<String>> expected = new TreeMap<>();
            MEDIUM_OR_ABOVE.forEach((id, rules) -> expected.put(id, new TreeSet<>(rules)));
            assertThat(raised).as("MEDIUM+ alerts by eventID").isEqualTo(expected);
        }
    }

    @Test
    void theShapesAreTheOnesThisTestSaysTheyAre() throws IOException {
        List<JsonNode> shapes = shapes();
        assertThat(shapes).extracting(r -> r.path("userIdentity").path("type").asText(""))
                .contains("AssumedRole", "IAMUser", "Root", "FederatedUser", "AWSAccount", "AWSService",
                        "IdentityCenterUser", "SAMLUser", "WebIdentityUser", "Directory", "Unknown", "");
        assertThat(shapes).extracting(r -> r.path("eventType").asText())
                .contains("AwsApiCall", "AwsServiceEvent", "AwsConsoleSignIn", "AwsVpceEvent");
        assertThat(shapes).extracting(r -> r.path("sourceIPAddress").asText())
                .contains("AWS Internal", "ec2.amazonaws.com", "2001:db8:4f1e:12::7");
        assertThat(shapes).anySatisfy(r -> assertThat(r.path("responseElements").isTextual()).isTrue());
        assertThat(shapes).anySatisfy(r -> assertThat(r.path("userIdentity").path("arn").asText("x")).isEmpty());
    }

    private static List<JsonNode> shapes() throws IOException {
        try (InputStream in = RecordShapesTest.class.getResourceAsStream("/realworld/record-shapes.jsonl")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().filter(l -> !l.isBlank()).map(TestEvents::tree).toList();
        }
    }

    /** An inline role policy as large as IAM's own limits allow a request to be: CloudTrail records it whole. */
    private static JsonNode policyOfAMegabyte() {
        StringBuilder statements = new StringBuilder();
        for (int i = 0; statements.length() < 1_000_000; i++) {
            statements.append(i == 0 ? "" : ",").append("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                    + "\"Resource\":\"arn:aws:s3:::exports-").append(i).append("/*\"}");
        }
        ObjectNode record = (ObjectNode) TestEvents.tree("{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":"
                + "\"IAMUser\",\"principalId\":\"AIDATRAILWATCHUSER1\",\"arn\":\"arn:aws:iam::210987654321:user/dev-ops\","
                + "\"accountId\":\"210987654321\",\"accessKeyId\":\"AKIATRAILWATCHKEY01\",\"userName\":\"dev-ops\"},"
                + "\"eventTime\":\"2025-03-04T09:19:00Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":"
                + "\"PutRolePolicy\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.41\",\"userAgent\":"
                + "\"aws-cli/2.15.0\",\"responseElements\":null,\"requestID\":\"req-policy\",\"eventID\":"
                + "\"policy-of-a-megabyte\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
                + "\"recipientAccountId\":\"210987654321\",\"eventCategory\":\"Management\"}");
        ObjectNode request = record.putObject("requestParameters");
        request.put("roleName", "exporter");
        request.put("policyName", "exports");
        request.put("policyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
        return record;
    }
}
