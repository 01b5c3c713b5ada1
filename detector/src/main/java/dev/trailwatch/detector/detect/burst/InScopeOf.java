package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.io.IOException;

/**
 * The EC2 instance a role session's credentials were issued to, as CloudTrail writes it (event version 1.11 on):
 * {@code userIdentity.inScopeOf = {"issuerType": "AWS::EC2::Instance", "credentialsIssuedTo":
 * "arn:aws:ec2:<region>:<account>:instance/i-0123..."}}. AWS writes it for credentials the instance got from its
 * metadata service, whatever the session is called; the session name is the caller's choice.
 *
 * <p>Cost: this runs for every role session's call not named for an instance. Before the record's tree is built, its
 * bytes are searched for the member name {@code "inScopeOf"} as AWS writes it (a name spelled with {@code \\u}
 * escapes is not looked for: no CloudTrail writer does that, and {@link
 * dev.trailwatch.detector.model.EventJson#mayHold}'s fallback for them, reading every record that holds a {@code \\u}
 * anywhere, cost several microseconds per call); only a record that holds it is read, with Jackson's streaming parser,
 * skipping every other member.
 */
final class InScopeOf {

    static final String EC2_INSTANCE = "AWS::EC2::Instance";
    private static final JsonFactory FACTORY = new JsonFactory();

    private InScopeOf() {
    }

    /** The instance id ({@code i-...}, lower case) the credentials were issued to, or null. */
    static String instance(CloudTrailEvent event) {
        if (!event.json().parsed() && (event.json().bytes() == null || !named(event.json().bytes()))) {
            return null;
        }
        if (event.json().parsed()) {
            JsonNode scope = event.record().path("userIdentity").path("inScopeOf");
            return instanceOf(text(scope.path("issuerType")), text(scope.path("credentialsIssuedTo")));
        }
        try (JsonParser parser = FACTORY.createParser(event.json().bytes())) {
            return scan(parser);
        } catch (IOException e) {
            // The record parsed once already; a record this scan cannot read names no instance.
            return null;
        }
    }

    /**
     * Whether the bytes hold {@code "inScopeOf"}: looks for its capital S, rare in a record, and compares the rest
     * around it only there.
     */
    static boolean named(byte[] bytes) {
        for (int i = 3, last = bytes.length - 7; i < last; i++) {
            if (bytes[i] == 'S' && bytes[i - 1] == 'n' && bytes[i - 2] == 'i' && bytes[i - 3] == '"'
                    && bytes[i + 1] == 'c' && bytes[i + 2] == 'o' && bytes[i + 3] == 'p' && bytes[i + 4] == 'e'
                    && bytes[i + 5] == 'O' && bytes[i + 6] == 'f' && bytes[i + 7] == '"') {
                return true;
            }
        }
        return false;
    }

    /** The id in an instance ARN ({@code arn:<partition>:ec2:<region>:<account>:instance/i-...}), when issued to one. */
    static String instanceOf(String issuerType, String issuedTo) {
        if (!EC2_INSTANCE.equals(issuerType) || issuedTo == null || !issuedTo.startsWith("arn:")) {
            return null;
        }
        int slash = issuedTo.lastIndexOf(":instance/");
        return slash < 0 ? null : InstanceCredentialExfiltrationDetector.instanceId(issuedTo, slash + 10);
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static String scan(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT || !into(parser, "userIdentity")
                || !into(parser, "inScopeOf")) {
            return null;
        }
        String issuerType = null;
        String issuedTo = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("issuerType".equals(name) && value == JsonToken.VALUE_STRING) {
                issuerType = parser.getText();
            } else if ("credentialsIssuedTo".equals(name) && value == JsonToken.VALUE_STRING) {
                issuedTo = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return instanceOf(issuerType, issuedTo);
    }

    /** Moves the parser, inside an object, into the object member {@code wanted}; false when there is none. */
    private static boolean into(JsonParser parser, String wanted) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (wanted.equals(name) && value == JsonToken.START_OBJECT) {
                return true;
            }
            parser.skipChildren();
        }
        return false;
    }
}
