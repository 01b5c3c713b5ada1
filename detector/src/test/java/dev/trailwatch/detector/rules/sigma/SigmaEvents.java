package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.TestEvents;

/** CloudTrail records for the Sigma tests: parsed the way the detector parses them (the rules tests' helpers). */
final class SigmaEvents {

    static final ObjectMapper JSON = TestEvents.JSON;

    private SigmaEvents() {
    }

    static CloudTrailEvent parse(JsonNode record) {
        return TestEvents.parse(record);
    }

    static CloudTrailEvent parse(String json) {
        return TestEvents.parse(json);
    }

    static JsonNode tree(String json) {
        return TestEvents.tree(json);
    }

    /**
     * A neutral, real-shaped record: an IAM user's successful call to a made-up API, that no SigmaHQ CloudTrail rule
     * is about. Generated cases start from it and set the fields a rule reads.
     */
    static ObjectNode base() {
        return (ObjectNode) tree("""
                {"eventVersion": "1.09",
                 "userIdentity": {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                   "arn": "arn:aws:iam::111122223333:user/dana", "accountId": "111122223333",
                   "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "dana"},
                 "eventTime": "2025-03-02T08:15:00Z", "eventSource": "example.amazonaws.com",
                 "eventName": "DescribeExample", "awsRegion": "eu-west-1", "sourceIPAddress": "198.51.100.23",
                 "userAgent": "aws-cli/2.15.30 Python/3.11.8", "requestParameters": {"exampleId": "ex-0123"},
                 "responseElements": null, "requestID": "2d0a4b6e-8c1f-4e3a-9b5d-7f6e5d4c3b2a",
                 "eventID": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "readOnly": true, "eventType": "AwsApiCall",
                 "managementEvent": true, "recipientAccountId": "111122223333", "eventCategory": "Management"}""");
    }
}
