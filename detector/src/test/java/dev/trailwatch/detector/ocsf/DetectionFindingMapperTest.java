package dev.trailwatch.detector.ocsf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.AlertSchemas;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.model.IpLocation;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class DetectionFindingMapperTest {

    private static final ObjectMapper JSON = JacksonSerde.configure(new ObjectMapper());
    private static final String MALLORY = "arn:aws:iam::111122223333:user/ops/mallory";

    private final DetectionFindingMapper mapper = new DetectionFindingMapper();
    private final Serde<Alert> serde = AlertFormat.OCSF.serde();

    @Test
    void writesTheAlertAsACreatedDetectionFinding() {
        JsonNode finding = valid(alert(Severity.HIGH, MALLORY, "203.0.113.66", List.of("e-1", "e-2")));
        assertThat(finding.path("class_uid").asInt()).isEqualTo(2004);
        assertThat(finding.path("category_uid").asInt()).isEqualTo(2);
        assertThat(finding.path("activity_id").asInt()).isEqualTo(1);
        assertThat(finding.path("type_uid").asInt()).isEqualTo(200401);
        assertThat(finding.path("severity_id").asInt()).isEqualTo(4);
        assertThat(finding.path("severity").asText()).isEqualTo("High");
        assertThat(finding.path("status").asText()).isEqualTo("New");
        assertThat(finding.path("time").asLong()).isEqualTo(Instant.parse("2026-11-20T10:00:01.204Z").toEpochMilli());
        assertThat(finding.path("start_time").asLong()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z").toEpochMilli());
        assertThat(finding.path("end_time").asLong()).isEqualTo(Instant.parse("2026-11-20T10:03:00Z").toEpochMilli());
        assertThat(finding.path("count").asLong()).isEqualTo(3);
        assertThat(finding.at("/metadata/version").asText()).isEqualTo("1.9.0");
        assertThat(finding.at("/metadata/product/name").asText()).isEqualTo("TrailWatch");
        assertThat(finding.at("/metadata/event_code").asText()).isEqualTo("cloudtrail-logging-stopped");
        assertThat(finding.at("/metadata/uid").asText()).isEqualTo("1b0f6c1e-5f64-3a8e-9a55-2f1c0d5e7a10:3");
        assertThat(finding.at("/remediation/desc").asText()).isEqualTo("Restart logging; find who stopped it.");
        assertThat(finding.at("/unmapped/evidence/trail").asText()).isEqualTo("org-trail");
    }

    @Test
    void carriesTheFindingInfoWithTheRuleAsAnalytic() {
        JsonNode info = valid(alert(Severity.HIGH, MALLORY, "203.0.113.66", List.of("e-1"))).path("finding_info");
        assertThat(info.path("uid").asText()).isEqualTo("1b0f6c1e-5f64-3a8e-9a55-2f1c0d5e7a10");
        assertThat(info.path("title").asText()).isEqualTo("CloudTrail logging stopped by " + MALLORY);
        assertThat(info.path("desc").asText()).startsWith("StopLogging");
        assertThat(info.at("/types/0").asText()).isEqualTo("cloudtrail-logging-stopped");
        assertThat(info.at("/analytic/uid").asText()).isEqualTo("cloudtrail-logging-stopped");
        assertThat(info.at("/analytic/type").asText()).isEqualTo("Rule");
        assertThat(info.path("first_seen_time").asLong()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z").toEpochMilli());
    }

    @Test
    void namesTheTechniqueSubTechniqueAndEachTactic() {
        Alert alert = alert(Severity.HIGH, MALLORY, "203.0.113.66", List.of("e-1"));
        JsonNode attacks = valid(alert.toBuilder().accountName(null).eventCount(1)
                .mitre(List.of("T1562.008", "T1098", "T9999")).evidence(Map.of()).build()).at("/finding_info/attacks");
        assertThat(attacks).hasSize(1 + 2 + 1);
        assertThat(attacks.get(0).at("/technique/uid").asText()).isEqualTo("T1562");
        assertThat(attacks.get(0).at("/technique/name").asText()).isEqualTo("Impair Defenses");
        assertThat(attacks.get(0).at("/sub_technique/uid").asText()).isEqualTo("T1562.008");
        assertThat(attacks.get(0).at("/sub_technique/name").asText()).isEqualTo("Disable or Modify Cloud Logs");
        assertThat(attacks.get(0).at("/tactic/name").asText()).isEqualTo("Defense Evasion");
        assertThat(List.of(attacks.get(1).at("/tactic/uid").asText(), attacks.get(2).at("/tactic/uid").asText()))
                .containsExactly("TA0003", "TA0004");
        assertThat(attacks.get(3).at("/technique/uid").asText()).as("an unlisted technique keeps its id")
                .isEqualTo("T9999");
        assertThat(attacks.get(3).has("tactic")).isFalse();
    }

    @Test
    void putsTheAccountInCloudAndTheFirstEventInTheFirstEvidence() {
        JsonNode finding = valid(alert(Severity.HIGH, MALLORY, "203.0.113.66", List.of("e-1", "e-2", "e-3")));
        assertThat(finding.at("/cloud/provider").asText()).isEqualTo("AWS");
        assertThat(finding.at("/cloud/region").asText()).isEqualTo("us-east-1");
        assertThat(finding.at("/cloud/account/uid").asText()).isEqualTo("111122223333");
        assertThat(finding.at("/cloud/account/name").asText()).isEqualTo("security");
        assertThat(finding.at("/cloud/account/type_id").asInt()).isEqualTo(10);
        JsonNode evidences = finding.path("evidences");
        assertThat(evidences).hasSize(3);
        assertThat(evidences.findValuesAsText("uid")).contains("e-1", "e-2", "e-3");
        JsonNode first = evidences.get(0);
        assertThat(first.at("/actor/user/uid").asText()).isEqualTo(MALLORY);
        assertThat(first.at("/actor/user/name").asText()).isEqualTo("mallory");
        assertThat(first.at("/actor/user/type_id").asInt()).isEqualTo(1);
        assertThat(first.at("/actor/user/account/uid").asText()).isEqualTo("111122223333");
        assertThat(first.at("/src_endpoint/ip").asText()).isEqualTo("203.0.113.66");
        assertThat(first.at("/http_request/user_agent").asText()).startsWith("aws-cli/2.15.0");
        assertThat(first.at("/api/operation").asText()).isEqualTo("StopLogging");
        assertThat(first.at("/api/service/name").asText()).isEqualTo("cloudtrail.amazonaws.com");
        assertThat(evidences.get(2).at("/data/eventID").asText()).isEqualTo("e-3");
    }

    @ParameterizedTest
    @CsvSource({
        "arn:aws:iam::111122223333:root, 2, Admin, root, 111122223333, false",
        "arn:aws:iam::111122223333:user/ops/mallory, 1, User, mallory, 111122223333, false",
        "arn:aws:sts::111122223333:assumed-role/OpsAdmin/bob, 99, AssumedRole, bob, 111122223333, true",
        "arn:aws:sts::111122223333:federated-user/carol, 99, FederatedUser, carol, 111122223333, false",
        "999988887777, 99, AWSAccount, , 999988887777, false",
        "cloudtrail.amazonaws.com, 4, Service, cloudtrail.amazonaws.com, , false",
        "arn:aws:identitystore:::user/94482488-3041-7026-18f3-be45837cd0e4, 1, User, 94482488-3041-7026-18f3-be45837cd0e4, , false",
        "IdentityCenterUser, 0, Unknown, , , false"})
    void readsTheActorFromThePrincipalsShape(String principal, int typeId, String type, String name,
                                              String account, boolean session) {
        JsonNode actor = valid(alert(Severity.MEDIUM, principal, "203.0.113.66", List.of("e-1")))
                .at("/evidences/0/actor");
        assertThat(actor.at("/user/uid").asText()).isEqualTo(principal);
        assertThat(actor.at("/user/type_id").asInt()).isEqualTo(typeId);
        assertThat(actor.at("/user/type").asText()).isEqualTo(type);
        assertThat(actor.at("/user/name").isMissingNode()).isEqualTo(name == null);
        if (name != null) {
            assertThat(actor.at("/user/name").asText()).isEqualTo(name);
        }
        assertThat(actor.at("/user/account/uid").asText(null)).isEqualTo(account);
        assertThat(actor.at("/session/uid_alt").isMissingNode()).isEqualTo(!session);
        if (session) {
            assertThat(actor.at("/session/uid_alt").asText()).isEqualTo(principal);
        }
    }

    @ParameterizedTest
    @CsvSource({"203.0.113.66, ip", "2001:db8::1, ip", "ec2.amazonaws.com, name", "AWS Internal, name",
        "10.0.0.256, name", "a:b, name"})
    void writesAnIpAsIpAndAServiceAsName(String sourceIp, String field) {
        JsonNode endpoint = valid(alert(Severity.LOW, MALLORY, sourceIp, List.of("e-1"))).at("/evidences/0/src_endpoint");
        assertThat(endpoint.path(field).asText()).isEqualTo(sourceIp);
        assertThat(endpoint.size()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Severity.class)
    void mapsEverySeverityOneToOne(Severity severity) {
        JsonNode finding = valid(alert(severity, MALLORY, "203.0.113.66", List.of("e-1")));
        assertThat(finding.path("severity_id").asInt()).isEqualTo(severity.ordinal() + 1);
        assertThat(roundTrip(alert(severity, MALLORY, "203.0.113.66", List.of("e-1"))).severity()).isEqualTo(severity);
    }

    @Test
    void anAlertWithoutEventsPrincipalOrApiCallIsStillAValidFinding() {
        Alert sparse = Alert.builder().alertId("9f1c2a4e-8d8b-4d7e-9a77-0c3b1f6f9d21").ruleId("trail-silent")
                .title("No CloudTrail events").description("No events from us-east-1 for 1h.")
                .severity(Severity.HIGH).accountId("111122223333").region("us-east-1")
                .eventSource("cloudtrail.amazonaws.com").eventCount(1)
                .firstEventTime(Instant.parse("2026-11-20T10:00:00Z"))
                .lastEventTime(Instant.parse("2026-11-20T10:00:00Z"))
                .detectedAt(Instant.parse("2026-11-20T11:00:00Z")).build();
        JsonNode finding = valid(sparse);
        assertThat(finding.has("evidences")).isFalse();
        assertThat(finding.has("remediation")).isFalse();
        assertThat(finding.at("/unmapped/eventSource").asText()).isEqualTo("cloudtrail.amazonaws.com");
        assertThat(roundTrip(sparse)).isEqualTo(sparse);
    }

    @Test
    void readsBackEveryFieldOfTheAlert() {
        Alert alert = alert(Severity.CRITICAL, "arn:aws:sts::111122223333:assumed-role/OpsAdmin/bob",
                "2001:db8::1", IntStream.range(0, 100).mapToObj(i -> "event-" + i).toList());
        Alert back = roundTrip(alert);
        assertThat((JsonNode) JSON.valueToTree(back)).isEqualTo(JSON.valueToTree(alert));
    }

    @Test
    void carriesTheAnalystContextInOcsfPlacesAndAsEnrichmentsAndReadsItBack() throws Exception {
        AlertContext context = new AlertContext(
                new AlertContext.Account("security", "Security/Prod",
                        (ObjectNode) JSON.readTree("{\"owner\": \"secops\", \"env\": \"prod\"}")),
                new AlertContext.Actor("carol", "sourceIdentity", "OpsAdmin", "bob", "carol", null, null),
                new IpLocation("DE", 6724L, "Strato AG"));
        Alert alert = alert(Severity.HIGH, "arn:aws:sts::111122223333:assumed-role/OpsAdmin/bob", "85.214.132.117",
                List.of("e-1")).withContext(context);

        JsonNode finding = valid(alert);

        assertThat(finding.at("/cloud/org/ou_name").asText()).isEqualTo("Security/Prod");
        assertThat(finding.at("/cloud/account/labels").toString()).isEqualTo("[\"owner=secops\",\"env=prod\"]");
        JsonNode endpoint = finding.at("/evidences/0/src_endpoint");
        assertThat(endpoint.at("/location/country").asText()).isEqualTo("DE");
        assertThat(endpoint.at("/autonomous_system/number").asLong()).isEqualTo(6724L);
        assertThat(endpoint.at("/autonomous_system/name").asText()).isEqualTo("Strato AG");
        assertThat(finding.path("enrichments")).extracting(e -> e.path("name").asText() + "=" + e.path("value").asText())
                .containsExactly("cloud.account.uid=111122223333",
                        "actor.user.uid=arn:aws:sts::111122223333:assumed-role/OpsAdmin/bob",
                        "src_endpoint.ip=85.214.132.117");
        assertThat(finding.at("/enrichments/1/data/human").asText()).isEqualTo("carol");
        assertThat((JsonNode) JSON.valueToTree(roundTrip(alert))).isEqualTo(JSON.valueToTree(alert));
    }

    @Test
    void refusesToReadAnythingButADetectionFinding() {
        byte[] apiActivity = "{\"class_uid\": 6003, \"severity_id\": 1}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> serde.deserializer().deserialize("cloudtrail.alerts", apiActivity))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cloudtrail.alerts").hasMessageContaining("class_uid 6003");
    }

    @Test
    void isAFunctionOfTheAlert() {
        Alert alert = alert(Severity.HIGH, MALLORY, "203.0.113.66", List.of("e-1"));
        assertThat(new DetectionFindingMapper().toFinding(alert)).isEqualTo(mapper.toFinding(alert));
    }

    private JsonNode valid(Alert alert) {
        JsonNode finding = mapper.toFinding(alert);
        assertThat(AlertSchemas.OCSF.violations(finding)).as(finding.toString()).isEmpty();
        return finding;
    }

    private Alert roundTrip(Alert alert) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", alert));
    }

    static Alert alert(Severity severity, String principal, String sourceIp, List<String> eventIds) {
        return Alert.builder().alertId("1b0f6c1e-5f64-3a8e-9a55-2f1c0d5e7a10").ruleId("cloudtrail-logging-stopped")
                .title("CloudTrail logging stopped by " + MALLORY).description("StopLogging on org-trail by " + MALLORY
                        + ".").severity(severity).accountId("111122223333").accountName("security")
                .region("us-east-1").principal(principal).sourceIp(sourceIp)
                .userAgent("aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64").eventName("StopLogging")
                .eventSource("cloudtrail.amazonaws.com").eventIds(eventIds).eventCount(3)
                .firstEventTime(Instant.parse("2026-11-20T10:00:00Z"))
                .lastEventTime(Instant.parse("2026-11-20T10:03:00Z"))
                .detectedAt(Instant.parse("2026-11-20T10:00:01.204Z")).mitre(List.of("T1562.008"))
                .runbook("Restart logging; find who stopped it.").evidence(Map.of("trail", "org-trail", "threshold", 10))
                .build();
    }
}
