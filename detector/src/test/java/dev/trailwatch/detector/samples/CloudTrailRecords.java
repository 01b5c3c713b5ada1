package dev.trailwatch.detector.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Builds CloudTrail records in the shape CloudTrail writes them (field order, identity variants, TLS details), with
 * identifiers drawn from one seeded {@link Random} so that the same seed always writes the same logs.
 */
final class CloudTrailRecords {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final DateTimeFormatter EXPIRATION =
            DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm:ss a", Locale.US).withZone(ZoneOffset.UTC);

    private final Random random;

    CloudTrailRecords(Random random) {
        this.random = random;
    }

    Random random() {
        return random;
    }

    // ---- identifiers ------------------------------------------------------------------------------------------

    String uuid() {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** {@code AKIA...} (long-term) or {@code ASIA...} (temporary) access key id. */
    String accessKeyId(String prefix) {
        return prefix + chars(KEY_CHARS, 16);
    }

    /** {@code AIDA...} (user) or {@code AROA...} (role) unique id. */
    String uniqueId(String prefix) {
        return prefix + chars(UPPER_DIGITS, 17);
    }

    String alnum(int length) {
        return chars(ALNUM, length);
    }

    String hex(int length) {
        return chars("0123456789abcdef", length);
    }

    private String chars(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static String expiration(Instant instant) {
        return EXPIRATION.format(instant);
    }

    // ---- identities -------------------------------------------------------------------------------------------

    static ObjectNode iamUser(String account, String userName, String principalId, String accessKeyId) {
        return obj("type", "IAMUser", "principalId", principalId, "arn", "arn:aws:iam::" + account + ":user/" + userName,
                "accountId", account, "accessKeyId", accessKeyId, "userName", userName);
    }

    /** An IAM user's console session: temporary key, session attributes, no issuer. */
    static ObjectNode consoleUser(String account, String userName, String principalId, String sessionKey,
            Instant sessionStart, boolean mfa) {
        ObjectNode identity = iamUser(account, userName, principalId, sessionKey);
        identity.set("sessionContext", obj("sessionIssuer", obj(), "webIdFederationData", obj(),
                "attributes", obj("creationDate", time(sessionStart), "mfaAuthenticated", String.valueOf(mfa))));
        return identity;
    }

    /**
     * A role session. {@code rolePath} is the role's path without slashes at the ends ({@code aws-service-role/...}),
     * or null; {@code invokedBy} is set when an AWS service makes the call with the session.
     */
    static ObjectNode assumedRole(String account, String roleName, String rolePath, String roleId, String session,
            String sessionKey, Instant sessionStart, boolean mfa, String invokedBy) {
        String path = rolePath == null ? "" : rolePath + "/";
        ObjectNode identity = obj("type", "AssumedRole", "principalId", roleId + ":" + session,
                "arn", "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + session,
                "accountId", account, "accessKeyId", sessionKey);
        identity.set("sessionContext", obj(
                "sessionIssuer", obj("type", "Role", "principalId", roleId,
                        "arn", "arn:aws:iam::" + account + ":role/" + path + roleName, "accountId", account,
                        "userName", roleName),
                "webIdFederationData", obj(),
                "attributes", obj("creationDate", time(sessionStart), "mfaAuthenticated", String.valueOf(mfa))));
        if (invokedBy != null) {
            identity.put("invokedBy", invokedBy);
        }
        return identity;
    }

    static ObjectNode root(String account, String sessionKey, Instant sessionStart) {
        ObjectNode identity = obj("type", "Root", "principalId", account, "arn", "arn:aws:iam::" + account + ":root",
                "accountId", account, "accessKeyId", sessionKey);
        if (sessionStart != null) {
            identity.set("sessionContext", obj("sessionIssuer", obj(), "webIdFederationData", obj(),
                    "attributes", obj("creationDate", time(sessionStart), "mfaAuthenticated", "false")));
        }
        return identity;
    }

    static ObjectNode awsService(String service) {
        return obj("type", "AWSService", "invokedBy", service);
    }

    // ---- records ----------------------------------------------------------------------------------------------

    Event event(Instant time, Actor actor, String account, String region, String eventSource, String eventName) {
        return new Event(time, actor, account, region, eventSource, eventName);
    }

    /** One record under construction; {@link #build()} writes the fields in CloudTrail's order. */
    final class Event {
        private final Instant time;
        private final Actor actor;
        private final String account;
        private final String region;
        private final String eventSource;
        private final String eventName;
        private JsonNode request = NullNode.getInstance();
        private JsonNode response = NullNode.getInstance();
        private ObjectNode additional;
        private ArrayNode resources;
        private String errorCode;
        private String errorMessage;
        private boolean readOnly = true;
        private String eventType = "AwsApiCall";
        private boolean requestId = true;
        private boolean shared;
        private boolean data;
        private String host;

        private Event(Instant time, Actor actor, String account, String region, String eventSource,
                String eventName) {
            this.time = time;
            this.actor = actor;
            this.account = account;
            this.region = region;
            this.eventSource = eventSource;
            this.eventName = eventName;
        }

        Event request(JsonNode parameters) {
            this.request = parameters;
            return this;
        }

        Event response(JsonNode elements) {
            this.response = elements;
            return this;
        }

        Event additional(ObjectNode eventData) {
            this.additional = eventData;
            return this;
        }

        Event resource(String type, String arn, String resourceAccount) {
            if (resources == null) {
                resources = NODES.arrayNode();
            }
            ObjectNode resource = resourceAccount == null ? obj() : obj("accountId", resourceAccount);
            resource.put("type", type).put("ARN", arn);
            resources.add(resource);
            return this;
        }

        Event write() {
            this.readOnly = false;
            return this;
        }

        Event error(String code, String message) {
            this.errorCode = code;
            this.errorMessage = message;
            return this;
        }

        Event consoleSignIn() {
            this.eventType = "AwsConsoleSignIn";
            this.requestId = false;
            this.readOnly = false;
            this.host = "signin.aws.amazon.com";
            return this;
        }

        Event serviceEvent() {
            this.eventType = "AwsServiceEvent";
            return this;
        }

        /** A call that is recorded in more than one account (cross-account role assumption, service calls). */
        Event shared() {
            this.shared = true;
            return this;
        }

        /** An S3 object-level data event rather than a management event. */
        Event dataEvent(String hostHeader) {
            this.data = true;
            this.host = hostHeader;
            return this;
        }

        ObjectNode build() {
            ObjectNode record = obj("eventVersion", "AwsConsoleSignIn".equals(eventType) ? "1.09" : "1.10");
            record.set("userIdentity", actor.userIdentity().deepCopy());
            record.put("eventTime", time(time)).put("eventSource", eventSource).put("eventName", eventName)
                    .put("awsRegion", region).put("sourceIPAddress", actor.sourceIp())
                    .put("userAgent", actor.userAgent());
            if (errorCode != null) {
                record.put("errorCode", errorCode);
            }
            if (errorMessage != null) {
                record.put("errorMessage", errorMessage);
            }
            record.set("requestParameters", request);
            record.set("responseElements", response);
            if (additional != null) {
                record.set("additionalEventData", additional);
            }
            if (requestId) {
                record.put("requestID", data ? chars(UPPER_DIGITS, 16) : uuid());
            }
            record.put("eventID", uuid()).put("readOnly", readOnly);
            if (resources != null) {
                record.set("resources", resources);
            }
            record.put("eventType", eventType).put("managementEvent", !data).put("recipientAccountId", account);
            if (shared) {
                record.put("sharedEventID", uuid());
            }
            record.put("eventCategory", data ? "Data" : "Management");
            if (!actor.isService()) {
                record.set("tlsDetails", obj("tlsVersion", "TLSv1.3", "cipherSuite", "TLS_AES_128_GCM_SHA256",
                        "clientProvidedHostHeader", host != null ? host : defaultHost()));
            }
            if (actor.console() && !"AwsConsoleSignIn".equals(eventType)) {
                record.put("sessionCredentialFromConsole", "true");
            }
            return record;
        }

        private String defaultHost() {
            String service = eventSource.substring(0, eventSource.indexOf('.'));
            return switch (service) {
                case "iam", "organizations" -> eventSource;
                default -> service + "." + region + ".amazonaws.com";
            };
        }
    }

    // ---- JSON helpers -----------------------------------------------------------------------------------------

    /** An object from alternating keys and values (String, Boolean, Number, JsonNode, or null). */
    static ObjectNode obj(Object... keysAndValues) {
        ObjectNode node = NODES.objectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            node.set((String) keysAndValues[i], value(keysAndValues[i + 1]));
        }
        return node;
    }

    static ArrayNode array(Object... values) {
        ArrayNode node = NODES.arrayNode();
        for (Object value : values) {
            node.add(value(value));
        }
        return node;
    }

    /** CloudTrail's EC2-style list: {@code {"items": [...]}}. */
    static ObjectNode items(Object... values) {
        return obj("items", array(values));
    }

    private static JsonNode value(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Integer number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        return NODES.textNode(value.toString());
    }
}
