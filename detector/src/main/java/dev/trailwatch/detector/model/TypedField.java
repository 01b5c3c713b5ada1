package dev.trailwatch.detector.model;

import java.util.Optional;

/**
 * The fields of an event that are parsed into {@link CloudTrailEvent} itself (its typed fields), each with the selector
 * a filter pattern names it by and how it is read from an event. {@link CloudTrailEvent#TYPED_PATHS} is their
 * selectors; a watch-list rule's guard (rules' {@code TypedGuard}) reads them without building a JSON node.
 */
public enum TypedField {
    EVENT_ID("$.eventID"), EVENT_NAME("$.eventName"), EVENT_SOURCE("$.eventSource"), EVENT_TYPE("$.eventType"),
    AWS_REGION("$.awsRegion"), SOURCE_IP("$.sourceIPAddress"), USER_AGENT("$.userAgent"),
    RECIPIENT_ACCOUNT("$.recipientAccountId"), ERROR_CODE("$.errorCode"), ERROR_MESSAGE("$.errorMessage"),
    IDENTITY_TYPE("$.userIdentity.type"), PRINCIPAL_ID("$.userIdentity.principalId"),
    IDENTITY_ARN("$.userIdentity.arn"), IDENTITY_ACCOUNT("$.userIdentity.accountId"),
    ACCESS_KEY("$.userIdentity.accessKeyId"), USER_NAME("$.userIdentity.userName"),
    INVOKED_BY("$.userIdentity.invokedBy"), ISSUER_ARN("$.userIdentity.sessionContext.sessionIssuer.arn"),
    ISSUER_ACCOUNT("$.userIdentity.sessionContext.sessionIssuer.accountId"),
    ISSUER_USER_NAME("$.userIdentity.sessionContext.sessionIssuer.userName");

    private final String path;

    TypedField(String path) {
        this.path = path;
    }

    /** The selector, e.g. {@code $.userIdentity.type}. */
    public String path() {
        return path;
    }

    /** The field's value on the event (null when absent). */
    public String of(CloudTrailEvent e) {
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

    /** The field at this selector ({@code $.userIdentity.type}), if it is one of these. */
    public static Optional<TypedField> at(String path) {
        for (TypedField field : values()) {
            if (field.path.equals(path)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }
}
