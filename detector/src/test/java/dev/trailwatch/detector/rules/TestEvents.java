package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.io.UncheckedIOException;

/** Builds CloudTrail events for tests: a full record from JSON, or a real-shaped record around a few fields. */
public final class TestEvents {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final CloudTrailParser PARSER = new CloudTrailParser();

    private TestEvents() {
    }

    public static CloudTrailEvent parse(JsonNode record) {
        ParseResult result = PARSER.fromTree(record, null);
        if (result instanceof ParseResult.Parsed parsed) {
            return parsed.event();
        }
        throw new IllegalArgumentException("not a CloudTrail record: " + ((ParseResult.Rejected) result).detail());
    }

    public static CloudTrailEvent parse(String json) {
        return parse(tree(json));
    }

    public static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A successful API call by the IAM user alice in 111122223333 from 198.51.100.23, with the given request
     * parameters (JSON, or null).
     */
    static CloudTrailEvent call(String eventSource, String eventName, String requestParameters) {
        return parse(record(eventSource, eventName, requestParameters));
    }

    static ObjectNode record(String eventSource, String eventName, String requestParameters) {
        ObjectNode record = (ObjectNode) tree("""
                {"eventVersion": "1.09",
                 "userIdentity": {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                   "arn": "arn:aws:iam::111122223333:user/alice", "accountId": "111122223333",
                   "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice"},
                 "eventTime": "2024-05-14T10:21:37Z", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.23",
                 "userAgent": "aws-cli/2.15.30 Python/3.11.8", "responseElements": null,
                 "requestID": "2d0a4b6e-8c1f-4e3a-9b5d-7f6e5d4c3b2a", "eventID": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                 "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
                 "recipientAccountId": "111122223333", "eventCategory": "Management"}""");
        record.put("eventSource", eventSource);
        record.put("eventName", eventName);
        record.set("requestParameters", requestParameters == null ? JSON.nullNode() : tree(requestParameters));
        return record;
    }

    /** The same record with another userIdentity. */
    static CloudTrailEvent as(ObjectNode record, String userIdentity) {
        record.set("userIdentity", tree(userIdentity));
        return parse(record);
    }
}
