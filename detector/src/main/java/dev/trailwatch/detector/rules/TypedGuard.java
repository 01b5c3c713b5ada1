package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a filter pattern needs of an event's typed fields before it can match, checked on the event's own fields: a
 * field the pattern pins to a set of exact values ({@code $.userIdentity.type = "Root"}) must hold one of them, and a
 * field every match compares must be present ({@code $.errorCode = "AccessDenied*"}).
 *
 * <p>Most events fail a rule on such a field, and the rules tried on every event (root use, AccessDenied: not indexed by
 * event name) fail there on almost all; reading the field from the event costs a call, where the pattern reads it
 * through a small JSON node built for the event and a lookup by name for each step of the path. The guard only says
 * "cannot match": an event it admits is still matched by the pattern. It is consulted only when the event's typed
 * fields are exact ({@link dev.trailwatch.detector.model.EventJson#typedExact}: each was a string or absent in the
 * record), so it answers what the record's tree would; otherwise the pattern decides alone.
 */
final class TypedGuard {

    /** A typed path the guard reads, and how it reads it from an event. */
    enum Field {
        EVENT_ID("$.eventID"), EVENT_NAME("$.eventName"), EVENT_SOURCE("$.eventSource"), EVENT_TYPE("$.eventType"),
        AWS_REGION("$.awsRegion"), SOURCE_IP("$.sourceIPAddress"), USER_AGENT("$.userAgent"),
        RECIPIENT_ACCOUNT("$.recipientAccountId"), ERROR_CODE("$.errorCode"), ERROR_MESSAGE("$.errorMessage"),
        IDENTITY_TYPE("$.userIdentity.type"), PRINCIPAL_ID("$.userIdentity.principalId"),
        IDENTITY_ARN("$.userIdentity.arn"), IDENTITY_ACCOUNT("$.userIdentity.accountId"),
        ACCESS_KEY("$.userIdentity.accessKeyId"), USER_NAME("$.userIdentity.userName"),
        INVOKED_BY("$.userIdentity.invokedBy"), ISSUER_ARN("$.userIdentity.sessionContext.sessionIssuer.arn"),
        ISSUER_ACCOUNT("$.userIdentity.sessionContext.sessionIssuer.accountId"),
        ISSUER_USER_NAME("$.userIdentity.sessionContext.sessionIssuer.userName");

        final String path;

        Field(String path) {
            this.path = path;
        }

        String of(CloudTrailEvent e) {
            UserIdentity id = e.userIdentity() == null ? UserIdentity.NONE : e.userIdentity();
            return switch (this) {
                case EVENT_ID -> e.eventId();
                case EVENT_NAME -> e.eventName();
                case EVENT_SOURCE -> e.eventSource();
                case EVENT_TYPE -> e.eventType();
                case AWS_REGION -> e.awsRegion();
                case SOURCE_IP -> e.sourceIpAddress();
                case USER_AGENT -> e.userAgent();
                case RECIPIENT_ACCOUNT -> e.recipientAccountId();
                case ERROR_CODE -> e.errorCode();
                case ERROR_MESSAGE -> e.errorMessage();
                case IDENTITY_TYPE -> id.type();
                case PRINCIPAL_ID -> id.principalId();
                case IDENTITY_ARN -> id.arn();
                case IDENTITY_ACCOUNT -> id.accountId();
                case ACCESS_KEY -> id.accessKeyId();
                case USER_NAME -> id.userName();
                case INVOKED_BY -> id.invokedBy();
                case ISSUER_ARN -> id.sessionIssuerArn();
                case ISSUER_ACCOUNT -> id.sessionIssuerAccountId();
                case ISSUER_USER_NAME -> id.sessionIssuerUserName();
            };
        }

        static Optional<Field> at(String path) {
            for (Field field : values()) {
                if (field.path.equals(path)) {
                    return Optional.of(field);
                }
            }
            return Optional.empty();
        }
    }

    /** One field's need: one of {@code values}, or (values null) any value at all. */
    private record Need(Field field, Set<String> values) {
    }

    private final Need[] needs;

    private TypedGuard(List<Need> needs) {
        this.needs = needs.toArray(Need[]::new);
    }

    /** The guard of {@code pattern}, or null when it needs nothing of the typed fields. */
    static TypedGuard of(FilterPattern pattern) {
        List<Need> needs = new ArrayList<>();
        for (String selector : pattern.selectors()) {
            Field field = Field.at(selector).orElse(null);
            if (field == null) {
                continue;
            }
            Optional<Set<String>> values = pattern.requiredValues(selector);
            if (values.isPresent()) {
                needs.add(new Need(field, values.get()));
            } else if (pattern.requiresPresent(selector)) {
                needs.add(new Need(field, null));
            }
        }
        return needs.isEmpty() ? null : new TypedGuard(needs);
    }

    /** False when the pattern cannot match {@code event}; true when it may (or the guard cannot tell). */
    boolean admits(CloudTrailEvent event) {
        if (event.json() == null || !event.json().typedExact()) {
            return true;
        }
        for (Need need : needs) {
            String value = need.field().of(event);
            if (value == null || need.values() != null && !need.values().contains(value)) {
                return false;
            }
        }
        return true;
    }
}
