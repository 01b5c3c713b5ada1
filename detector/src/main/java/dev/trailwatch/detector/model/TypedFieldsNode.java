package dev.trailwatch.detector.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collections;
import java.util.function.Function;

/**
 * A read-only object node whose properties are looked up in an event's typed fields when asked for, so that matching
 * a filter pattern on {@link CloudTrailEvent#TYPED_PATHS} costs neither the record's tree nor a copy of the fields.
 *
 * <p>Only {@link #get(String)} (and so {@code path}, {@code at} and the filter-pattern selectors, which use it) is
 * meaningful: the node has no children to iterate, count or compare. It never leaves {@link CloudTrailEvent}.
 */
final class TypedFieldsNode extends ObjectNode {

    private static final long serialVersionUID = 1L;

    /** A property's value: a String, a nested node, or null when absent. */
    private final transient Function<String, Object> lookup;

    private TypedFieldsNode(Function<String, Object> lookup) {
        // no children of its own: the shared empty map, not the LinkedHashMap ObjectNode would make (up to four
        // nodes per event matched on typed fields, i.e. every event the watch list's unindexed rules see)
        super(JsonNodeFactory.instance, Collections.emptyMap());
        this.lookup = lookup;
    }

    static JsonNode of(CloudTrailEvent e) {
        UserIdentity id = e.userIdentity();
        JsonNode identity = id == UserIdentity.NONE ? null : identity(id);
        return new TypedFieldsNode(name -> switch (name) {
            case "eventID" -> e.eventId();
            case "eventName" -> e.eventName();
            case "eventSource" -> e.eventSource();
            case "eventType" -> e.eventType();
            case "awsRegion" -> e.awsRegion();
            case "sourceIPAddress" -> e.sourceIpAddress();
            case "userAgent" -> e.userAgent();
            case "recipientAccountId" -> e.recipientAccountId();
            case "errorCode" -> e.errorCode();
            case "errorMessage" -> e.errorMessage();
            case "userIdentity" -> identity;
            default -> null;
        });
    }

    private static JsonNode identity(UserIdentity id) {
        boolean hasIssuer = id.sessionIssuerArn() != null || id.sessionIssuerAccountId() != null
                || id.sessionIssuerUserName() != null;
        JsonNode issuer = !hasIssuer ? null : new TypedFieldsNode(name -> switch (name) {
            case "arn" -> id.sessionIssuerArn();
            case "accountId" -> id.sessionIssuerAccountId();
            case "userName" -> id.sessionIssuerUserName();
            default -> null;
        });
        JsonNode context = issuer == null ? null
                : new TypedFieldsNode(name -> "sessionIssuer".equals(name) ? issuer : null);
        return new TypedFieldsNode(name -> switch (name) {
            case "type" -> id.type();
            case "principalId" -> id.principalId();
            case "arn" -> id.arn();
            case "accountId" -> id.accountId();
            case "accessKeyId" -> id.accessKeyId();
            case "userName" -> id.userName();
            case "invokedBy" -> id.invokedBy();
            case "sessionContext" -> context;
            default -> null;
        });
    }

    @Override
    public JsonNode get(String propertyName) {
        Object value = lookup.apply(propertyName);
        if (value instanceof String text) {
            return TextNode.valueOf(text);
        }
        return (JsonNode) value;
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
