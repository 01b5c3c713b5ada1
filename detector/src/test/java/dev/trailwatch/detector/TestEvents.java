package dev.trailwatch.detector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Real-shaped CloudTrail records for topology tests, built field by field so each test shows what it varies. */
public final class TestEvents {

    public static final String ACCOUNT = "111122223333";
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode root = MAPPER.createObjectNode();

    private TestEvents(String eventSource, String eventName, Instant time) {
        root.put("eventVersion", "1.09");
        ObjectNode id = root.putObject("userIdentity");
        id.put("type", "IAMUser");
        id.put("principalId", "AIDAEXAMPLEALICE0001");
        id.put("arn", "arn:aws:iam::" + ACCOUNT + ":user/alice");
        id.put("accountId", ACCOUNT);
        id.put("accessKeyId", "AKIAEXAMPLEALICE0001");
        id.put("userName", "alice");
        root.put("eventTime", time.toString());
        root.put("eventSource", eventSource);
        root.put("eventName", eventName);
        root.put("awsRegion", "us-east-1");
        root.put("sourceIPAddress", "198.51.100.7");
        root.put("userAgent", "aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64");
        root.putObject("requestParameters");
        root.putNull("responseElements");
        root.put("requestID", UUID.randomUUID().toString());
        root.put("eventID", UUID.randomUUID().toString());
        root.put("readOnly", false);
        root.put("eventType", "AwsApiCall");
        root.put("managementEvent", true);
        root.put("recipientAccountId", ACCOUNT);
        root.put("eventCategory", "Management");
    }

    public static TestEvents event(String eventSource, String eventName, Instant time) {
        return new TestEvents(eventSource, eventName, time);
    }

    /** StopLogging on a trail by alice: the textbook HIGH watch-list event. */
    public static TestEvents stopLogging(Instant time) {
        TestEvents e = event("cloudtrail.amazonaws.com", "StopLogging", time);
        e.root.with("requestParameters").put("name",
                "arn:aws:cloudtrail:us-east-1:" + ACCOUNT + ":trail/org-trail");
        return e;
    }

    public TestEvents user(String name) {
        ObjectNode id = root.with("userIdentity");
        id.put("arn", "arn:aws:iam::" + ACCOUNT + ":user/" + name);
        id.put("userName", name);
        return this;
    }

    public TestEvents eventId(String eventId) {
        root.put("eventID", eventId);
        return this;
    }

    public TestEvents sourceIp(String ip) {
        root.put("sourceIPAddress", ip);
        return this;
    }

    public TestEvents error(String code, String message) {
        root.put("errorCode", code);
        root.put("errorMessage", message);
        return this;
    }

    public TestEvents remove(String field) {
        root.remove(field);
        return this;
    }

    public TestEvents set(String field, String value) {
        root.put(field, value);
        return this;
    }

    public String eventId() {
        return root.get("eventID").asText();
    }

    public ObjectNode json() {
        return root;
    }

    public byte[] bytes() {
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
