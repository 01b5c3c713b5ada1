package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** Real-shaped CloudTrail records for pattern tests, with small edits by dotted path. */
final class CloudTrailRecords {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private CloudTrailRecords() {
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A successful management API call by the IAM user alice, signed with an access key and no MFA. */
    static ObjectNode apiCall(String eventSource, String eventName) {
        return (ObjectNode) json("""
                {
                  "eventVersion": "1.09",
                  "userIdentity": {
                    "type": "IAMUser",
                    "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                    "arn": "arn:aws:iam::123456789012:user/alice",
                    "accountId": "123456789012",
                    "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
                    "userName": "alice",
                    "sessionContext": {
                      "attributes": {"creationDate": "2024-05-01T09:00:00Z", "mfaAuthenticated": "false"}
                    }
                  },
                  "eventTime": "2024-05-01T09:15:02Z",
                  "eventSource": "%s",
                  "eventName": "%s",
                  "awsRegion": "us-east-1",
                  "sourceIPAddress": "203.0.113.10",
                  "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22",
                  "requestParameters": {"resourceId": "example-1234"},
                  "responseElements": null,
                  "requestID": "4f3a8c1e-8b2d-4c44-9a47-0d9f1c2b7e11",
                  "eventID": "b5d0e2a4-1c7f-4e0b-8d6a-2f9e3c4b5a61",
                  "readOnly": false,
                  "eventType": "AwsApiCall",
                  "managementEvent": true,
                  "recipientAccountId": "123456789012",
                  "eventCategory": "Management"
                }
                """.formatted(eventSource, eventName));
    }

    /** The same call made with the account's root credentials. */
    static ObjectNode rootApiCall(String eventSource, String eventName) {
        ObjectNode record = apiCall(eventSource, eventName);
        record.set("userIdentity", json("""
                {
                  "type": "Root",
                  "principalId": "123456789012",
                  "arn": "arn:aws:iam::123456789012:root",
                  "accountId": "123456789012",
                  "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
                  "sessionContext": {"attributes": {"creationDate": "2024-05-01T09:00:00Z", "mfaAuthenticated": "true"}}
                }
                """));
        return record;
    }

    /** A console sign-in by alice; {@code result} is "Success" or "Failure". */
    static ObjectNode consoleLogin(String mfaUsed, String result) {
        ObjectNode record = apiCall("signin.amazonaws.com", "ConsoleLogin");
        ((ObjectNode) record.get("userIdentity")).remove("accessKeyId");
        ((ObjectNode) record.get("userIdentity")).remove("sessionContext");
        record.put("userAgent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36");
        record.putNull("requestParameters");
        record.set("responseElements", json("{\"ConsoleLogin\": \"" + result + "\"}"));
        record.set("additionalEventData", json("""
                {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": "%s"}
                """.formatted(mfaUsed)));
        record.put("eventType", "AwsConsoleSignIn");
        if (result.equals("Failure")) {
            record.put("errorMessage", "Failed authentication");
        }
        return record;
    }

    /** Sets {@code dottedPath} (creating objects on the way) to a string, number, boolean, node or null. */
    static ObjectNode with(ObjectNode record, String dottedPath, Object value) {
        String[] names = dottedPath.split("\\.");
        ObjectNode parent = record;
        for (int i = 0; i < names.length - 1; i++) {
            parent = parent.has(names[i]) && parent.get(names[i]).isObject()
                    ? (ObjectNode) parent.get(names[i]) : parent.putObject(names[i]);
        }
        parent.set(names[names.length - 1], MAPPER.valueToTree(value));
        return record;
    }

    /** Removes {@code dottedPath} if present. */
    static ObjectNode without(ObjectNode record, String dottedPath) {
        int dot = dottedPath.lastIndexOf('.');
        JsonNode parent = dot < 0 ? record : record.at("/" + dottedPath.substring(0, dot).replace('.', '/'));
        if (parent instanceof ObjectNode object) {
            object.remove(dottedPath.substring(dot + 1));
        }
        return record;
    }
}
