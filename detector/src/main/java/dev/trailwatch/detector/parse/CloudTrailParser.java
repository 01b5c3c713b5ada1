package dev.trailwatch.detector.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Turns one raw CloudTrail record into a {@link CloudTrailEvent}, or says why it cannot.
 *
 * <p>This is the only place a record's bytes are parsed. A record must be a JSON object with string {@code eventID},
 * {@code eventTime}, {@code eventName} and {@code eventSource}: without them no detection can key, order or name it.
 */
public final class CloudTrailParser {

    private static final List<String> REQUIRED = List.of("eventID", "eventTime", "eventName", "eventSource");

    private final ObjectMapper mapper;

    public CloudTrailParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public CloudTrailParser() {
        this(new ObjectMapper());
    }

    public ParseResult parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return new ParseResult.Rejected(RejectReason.PARSE, "empty record", raw);
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(raw);
        } catch (JacksonException e) {
            return new ParseResult.Rejected(RejectReason.PARSE, "not JSON: " + e.getOriginalMessage(), raw);
        } catch (IOException e) {
            return new ParseResult.Rejected(RejectReason.PARSE, "unreadable: " + e.getMessage(), raw);
        }
        if (tree == null || !tree.isObject()) {
            String kind = tree == null ? "nothing" : tree.getNodeType().name().toLowerCase();
            return new ParseResult.Rejected(RejectReason.NOT_OBJECT, "expected a JSON object, found " + kind, raw);
        }
        return fromTree(tree, raw);
    }

    /** Builds the event from an already parsed tree (rule test cases and the peer suites come as trees). */
    public ParseResult fromTree(JsonNode tree, byte[] raw) {
        for (String field : REQUIRED) {
            if (!tree.path(field).isTextual() || tree.path(field).asText().isEmpty()) {
                return new ParseResult.Rejected(RejectReason.MISSING_FIELD, "missing string field " + field, raw);
            }
        }
        long eventTime;
        try {
            eventTime = Instant.parse(tree.get("eventTime").asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return new ParseResult.Rejected(RejectReason.BAD_EVENT_TIME,
                    "eventTime is not an ISO-8601 instant: " + tree.get("eventTime").asText(), raw);
        }
        return new ParseResult.Parsed(new CloudTrailEvent(
                tree.get("eventID").asText(), eventTime, tree.get("eventName").asText(),
                tree.get("eventSource").asText(), text(tree, "eventType"), text(tree, "awsRegion"),
                text(tree, "sourceIPAddress"), text(tree, "userAgent"), text(tree, "recipientAccountId"),
                text(tree, "errorCode"), text(tree, "errorMessage"), identity(tree.path("userIdentity")), tree));
    }

    private static UserIdentity identity(JsonNode id) {
        if (!id.isObject()) {
            return UserIdentity.NONE;
        }
        JsonNode issuer = id.path("sessionContext").path("sessionIssuer");
        return new UserIdentity(text(id, "type"), text(id, "principalId"), text(id, "arn"), text(id, "accountId"),
                text(id, "accessKeyId"), text(id, "userName"), text(id, "invokedBy"), text(issuer, "arn"),
                text(issuer, "accountId"), text(issuer, "userName"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }
}
