package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.bench.TrafficGenerator;
import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.ingest.reader.EventTimes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming read of the typed fields must give exactly what reading the whole tree gives, for every record we
 * have (the demo's samples, the peer suites' events, generated traffic) and for the awkward shapes; and it must not
 * build the tree unless asked.
 */
class CloudTrailParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RulePack RULES = RulePack.load(null);
    private final CloudTrailParser parser = new CloudTrailParser();

    static Stream<String> everyRecordWeHave() throws IOException {
        List<String> records = new ArrayList<>();
        String index = resource("/samples/index.txt");
        for (String file : index.lines().filter(l -> !l.isBlank()).toList()) {
            try (InputStream in = new GZIPInputStream(
                    CloudTrailParserTest.class.getResourceAsStream("/samples/" + file))) {
                JSON.readTree(in).path("Records").forEach(r -> records.add(r.toString()));
            }
        }
        for (String suite : List.of("/peer-tests/panther-cloudtrail-conformance.jsonl",
                "/peer-tests/streamalert-cloudtrail-conformance.jsonl",
                "/peer-tests/panther-burst-conformance.jsonl")) {
            for (String line : resource(suite).lines().filter(l -> !l.isBlank()).toList()) {
                JsonNode row = JSON.readTree(line);
                JsonNode event = row.has("event") ? row.get("event") : row.path("log");
                if (event.isObject()) {
                    records.add(event.toString());
                }
            }
        }
        TrafficGenerator.endingNow(7, 5, 2_000)
                .generate(2_000, (i, e) -> records.add(new String(e.value(), StandardCharsets.UTF_8)));
        assertThat(records).hasSizeGreaterThan(3_000);
        return records.stream();
    }

    @ParameterizedTest
    @MethodSource("everyRecordWeHave")
    void readsTheSameEventAsTheTree(String record) throws IOException {
        assertSameAsTree(record);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // a later duplicate key wins, as in the tree
        "{'eventID':'a','eventID':'b','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s'}",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s',"
                + "'userIdentity':{'type':'Root'},'userIdentity':'gone'}",
        // numbers and booleans read as their text; null and containers as absent
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','awsRegion':12,"
                + "'errorCode':true,'errorMessage':null,'userAgent':{'x':[1,2]},'sourceIPAddress':1.5e3,"
                + "'recipientAccountId':123456789012345678901234567890}",
        // readOnly in its odd spellings
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','readOnly':'true'}",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','readOnly':1}",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','readOnly':{'a':1}}",
        // session issuer: nested, overridden, not an object
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','userIdentity':"
                + "{'arn':'r','sessionContext':{'attributes':{'a':'b'},'sessionIssuer':{'arn':'i','accountId':'1',"
                + "'userName':'u','type':'Role'}},'invokedBy':'signin.amazonaws.com'}}",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','userIdentity':"
                + "{'sessionContext':{'sessionIssuer':{'arn':'i'},'sessionIssuer':[1]}}}",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','userIdentity':"
                + "{'sessionContext':{'sessionIssuer':{'arn':'i'}},'sessionContext':5}}",
        // a root object followed by more: the first value is the record, as readTree reads it
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s'} {'x':1}",
    })
    void readsAwkwardShapesAsTheTreeDoes(String single) throws IOException {
        assertSameAsTree(single.replace('\'', '"'));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s'}|missing_field|eventID",
        "{'eventID':'','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s'}|missing_field|eventID",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':{'n':1},'eventSource':'s'}|missing_field|"
                + "eventName",
        "{'eventID':'a','eventID':7,'eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s'}|"
                + "missing_field|eventID",
        "{'eventID':'a','eventTime':'yesterday','eventName':'X','eventSource':'s'}|bad_event_time|yesterday",
        // a valid ISO-8601 instant past what epoch milliseconds hold: a clear rejection, not a processing error
        "{'eventID':'a','eventTime':'+300000000-01-01T00:00:00Z','eventName':'X','eventSource':'s'}|bad_event_time|"
                + "+300000000",
        "[{'eventID':'a'}]|not_object|array",
        "'text'|not_object|string",
        "42|not_object|number",
        "null|not_object|null",
        "   |not_object|nothing",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s','x':[1,2|parse|",
        "{'eventID':'a','eventTime':'2026-11-20T10:00:00Z','eventName':'X','eventSource':'s'|parse|",
    })
    void rejectsWithTheReason(String row) {
        String[] parts = row.split("\\|", -1);
        ParseResult result = parser.parse(parts[0].replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        assertThat(result).isInstanceOf(ParseResult.Rejected.class);
        ParseResult.Rejected rejected = (ParseResult.Rejected) result;
        assertThat(rejected.reason().name().toLowerCase()).isEqualTo(parts[1]);
        assertThat(rejected.detail()).contains(parts[2]);
    }

    @Test
    void buildsTheTreeOnlyWhenAFieldOutsideTheTypedOnesIsRead() {
        String record = "{\"eventID\":\"a\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventName\":\"PutObject\","
                + "\"eventSource\":\"s3.amazonaws.com\",\"readOnly\":false,"
                + "\"requestParameters\":{\"bucketName\":\"logs\"}}";
        byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
        CloudTrailEvent event = ((ParseResult.Parsed) parser.parse(bytes)).event();

        assertThat(event.json().parsed()).isFalse();
        assertThat(event.json().bytes()).isSameAs(bytes);
        assertThat(event.readOnly()).isFalse();
        assertThat(RULES.matching(event)).isEmpty();
        assertThat(event.json().parsed()).as("rules that read only typed fields").isFalse();

        assertThat(event.requestParameters().path("bucketName").asText()).isEqualTo("logs");
        assertThat(event.json().parsed()).isTrue();
    }

    /**
     * A CloudTrail Insights event as CloudTrail writes it (trimmed): valid JSON with an eventID and an eventTime, but
     * the API it measured is inside insightDetails. Its dead letter says what it is, not just which field is missing,
     * on both reads.
     */
    @Test
    void anInsightsEventIsDeadLetteredAsWhatItIs() {
        String insight = "{\"eventVersion\":\"1.07\",\"eventTime\":\"2020-09-09T23:00:00Z\",\"awsRegion\":\"us-east-1\","
                + "\"eventID\":\"41ed77ca-d659-b45a-8e9a-74e504300007\",\"eventType\":\"AwsCloudTrailInsight\","
                + "\"recipientAccountId\":\"123456789012\",\"sharedEventID\":\"e672c2b1-e71a-4779-f96c-02da7bb30d2e\","
                + "\"insightDetails\":{\"state\":\"End\",\"eventSource\":\"iam.amazonaws.com\","
                + "\"eventName\":\"AttachUserPolicy\",\"insightType\":\"ApiCallRateInsight\",\"insightContext\":"
                + "{\"statistics\":{\"baseline\":{\"average\":0.0},\"insight\":{\"average\":2.0},\"insightDuration\":1}}},"
                + "\"eventCategory\":\"Insight\"}";
        byte[] bytes = insight.getBytes(StandardCharsets.UTF_8);
        for (CloudTrailParser read : List.of(parser, new CloudTrailParser(JSON, false))) {
            assertThat(read.parse(bytes)).isInstanceOfSatisfying(ParseResult.Rejected.class, r -> {
                assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
                assertThat(r.detail()).startsWith("a CloudTrail Insights event (eventType AwsCloudTrailInsight)")
                        .contains("insights.topic");
            });
        }
    }

    /**
     * A CloudTrail digest file's object as CloudTrail writes it (trimmed), produced as a record by mistake: its dead
     * letter says it is a digest, on both reads.
     */
    @Test
    void aDigestIsDeadLetteredAsWhatItIs() {
        String digest = "{\"awsAccountId\":\"210987654321\",\"digestStartTime\":\"2025-03-04T08:36:49Z\","
                + "\"digestEndTime\":\"2025-03-04T09:36:49Z\",\"digestS3Bucket\":\"org-trail\",\"digestS3Object\":"
                + "\"AWSLogs/210987654321/CloudTrail-Digest/eu-west-1/2025/03/04/"
                + "210987654321_CloudTrail-Digest_eu-west-1_org_eu-west-1_20250304T093649Z.json.gz\","
                + "\"digestPublicKeyFingerprint\":\"0a1b2c3d4e5f60718293a4b5c6d7e8f9\",\"digestSignatureAlgorithm\":"
                + "\"SHA256withRSA\",\"newestEventTime\":\"2025-03-04T09:26:24Z\",\"oldestEventTime\":"
                + "\"2025-03-04T08:32:04Z\",\"previousDigestHashAlgorithm\":\"SHA-256\",\"logFiles\":[{\"s3Bucket\":"
                + "\"org-trail\",\"hashAlgorithm\":\"SHA-256\",\"newestEventTime\":\"2025-03-04T09:26:24Z\"}]}";
        byte[] bytes = digest.getBytes(StandardCharsets.UTF_8);
        for (CloudTrailParser read : List.of(parser, new CloudTrailParser(JSON, false))) {
            assertThat(read.parse(bytes)).isInstanceOfSatisfying(ParseResult.Rejected.class, r -> {
                assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
                assertThat(r.detail()).isEqualTo(CloudTrailParser.DIGEST_DETAIL).startsWith("a CloudTrail digest");
            });
        }
    }

    /**
     * Compares the streaming read with an independent reading of the whole tree (how the parser worked before it
     * streamed), field by field.
     */
    private void assertSameAsTree(String record) throws IOException {
        byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
        ParseResult streamed = parser.parse(bytes);
        JsonNode tree = JSON.readTree(bytes);
        String missing = Stream.of("eventID", "eventTime", "eventName", "eventSource")
                .filter(f -> !tree.path(f).isTextual() || tree.path(f).asText().isEmpty()).findFirst().orElse(null);
        if (missing != null) {
            // some peer rows test other fields and leave required ones out
            String detail = "AwsCloudTrailInsight".equals(tree.path("eventType").asText())
                    ? CloudTrailParser.INSIGHT_DETAIL : tree.has("digestSignatureAlgorithm")
                    ? CloudTrailParser.DIGEST_DETAIL : "missing string field " + missing;
            assertThat(streamed).as(record).isInstanceOfSatisfying(ParseResult.Rejected.class, r -> assertThat(
                    r.detail()).isEqualTo(detail));
            return;
        }
        long eventTime;
        try {
            eventTime = EventTimes.parseMillis(tree.get("eventTime").asText());
        } catch (java.time.format.DateTimeParseException e) {
            // some Panther rows carry a time format no export writes
            assertThat(streamed).as(record).isInstanceOfSatisfying(ParseResult.Rejected.class,
                    r -> assertThat(r.reason()).isEqualTo(RejectReason.BAD_EVENT_TIME));
            return;
        }
        assertThat(streamed).as(record).isInstanceOf(ParseResult.Parsed.class);
        CloudTrailEvent event = ((ParseResult.Parsed) streamed).event();
        assertThat(event.eventId()).as(record).isEqualTo(tree.get("eventID").asText());
        assertThat(event.eventTime()).as(record).isEqualTo(eventTime);
        assertThat(event.eventName()).as(record).isEqualTo(tree.get("eventName").asText());
        assertThat(event.eventSource()).as(record).isEqualTo(tree.get("eventSource").asText());
        assertThat(List.of(nullable(event.eventType()), nullable(event.awsRegion()), nullable(event.sourceIpAddress()),
                nullable(event.userAgent()), nullable(event.recipientAccountId()), nullable(event.errorCode()),
                nullable(event.errorMessage()))).as(record).isEqualTo(
                Stream.of("eventType", "awsRegion", "sourceIPAddress", "userAgent", "recipientAccountId", "errorCode",
                        "errorMessage").map(f -> nullable(text(tree, f))).toList());
        assertThat(event.readOnly()).as(record).isEqualTo(tree.path("readOnly").asBoolean(false));
        JsonNode id = tree.path("userIdentity");
        JsonNode issuer = id.path("sessionContext").path("sessionIssuer");
        JsonNode scope = id.path("inScopeOf");
        UserIdentity expected = !id.isObject() ? UserIdentity.NONE : new UserIdentity(text(id, "type"),
                text(id, "principalId"), text(id, "arn"), text(id, "accountId"), text(id, "accessKeyId"),
                text(id, "userName"), text(id, "invokedBy"), text(issuer, "arn"), text(issuer, "accountId"),
                text(issuer, "userName"), text(scope, "issuerType"), text(scope, "credentialsIssuedTo"));
        assertThat(event.userIdentity()).as(record).isEqualTo(expected);
        for (String path : CloudTrailEvent.TYPED_PATHS) {
            JsonPointer pointer = JsonPointer.compile(path.substring(1).replace('.', '/'));
            assertThat(event.typedFields().at(pointer)).as(record + " " + path).isEqualTo(tree.at(pointer));
        }
        CloudTrailEvent fromTree = ((ParseResult.Parsed) parser.fromTree(tree, bytes)).event();
        for (Rule rule : RULES.rules()) {
            // the typed-fields shortcut must not change what any rule says about any record
            assertThat(rule.matches(event)).as(rule.id() + " on " + record).isEqualTo(rule.matches(fromTree));
        }
        assertThat(event.record()).as(record).isEqualTo(tree);
        assertThat(fromTree).as(record).isEqualTo(event);
    }

    private static String nullable(String s) {
        return s == null ? "<null>" : s;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private static String resource(String name) {
        try (InputStream in = CloudTrailParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
