package dev.trailwatch.detector.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One CloudTrail record, parsed exactly once from the input topic.
 *
 * <p>The typed fields are what the stateful detectors read on the hot path; {@code json} is the whole record, kept
 * so that watch-list rules can select any field ({@code $.tlsDetails.clientProvidedHostHeader}). Its tree is built
 * only when first asked for ({@link #record()}), from the bytes read once. {@code requestParameters},
 * {@code responseElements} and {@code additionalEventData} are free-form.
 *
 * @param eventTime epoch milliseconds of {@code eventTime}
 * @param readOnly  the record's {@code readOnly} flag ({@code true} or {@code "true"}); false when absent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CloudTrailEvent(
        String eventId,
        long eventTime,
        String eventName,
        String eventSource,
        String eventType,
        String awsRegion,
        String sourceIpAddress,
        String userAgent,
        String recipientAccountId,
        String errorCode,
        String errorMessage,
        boolean readOnly,
        UserIdentity userIdentity,
        EventJson json) implements ReadOutcome {

    /** The selectors whose values the typed fields hold exactly: a pattern reading only these needs no tree. */
    public static final Set<String> TYPED_PATHS = Arrays.stream(TypedField.values()).map(TypedField::path)
            .collect(Collectors.toUnmodifiableSet());

    /**
     * A small tree of just the {@link #TYPED_PATHS} (built once per event), which answers a selector among them as the
     * whole record would. When a typed field's source value was not a string (JSON null, a number, an object), the
     * small tree could answer differently, so the whole record is returned instead.
     */
    @JsonIgnore
    public JsonNode typedFields() {
        return json.typedFields(this);
    }

    /** The whole record as a JSON tree, parsed on first use. */
    @JsonIgnore
    public JsonNode record() {
        return json.tree();
    }

    /** The acting principal's best identity: its ARN, else the account id ({@code AWSAccount}) or service name. */
    public String principal() {
        UserIdentity id = userIdentity;
        if (id.arn() != null) {
            return id.arn();
        }
        if (id.isAwsService() && id.invokedBy() != null) {
            return id.invokedBy();
        }
        if (id.accountId() != null) {
            return id.accountId();
        }
        if (id.principalId() != null) {
            return id.principalId();
        }
        return id.invokedBy() != null ? id.invokedBy() : "unknown";
    }

    /**
     * True when AWS itself made the call: an {@code AWSService} identity, a call {@code invokedBy} an AWS service
     * on a principal's behalf, or an {@code AwsServiceEvent}. Such calls are not a person's use of the account.
     * {@code invokedBy: signin.amazonaws.com} is the exception: it marks what a person did in the console.
     */
    @JsonIgnore
    public boolean isAwsServiceCall() {
        String invokedBy = userIdentity.invokedBy();
        return userIdentity.isAwsService()
                || "AwsServiceEvent".equals(eventType)
                || (invokedBy != null && invokedBy.endsWith(".amazonaws.com") && !CONSOLE_SIGNIN.equals(invokedBy));
    }

    private static final String CONSOLE_SIGNIN = "signin.amazonaws.com";

    /**
     * True when IAM refused the call: an {@code AccessDenied*} error code (AccessDenied, AccessDeniedException, ...)
     * or an {@code *UnauthorizedOperation} one (EC2's Client.UnauthorizedOperation).
     */
    @JsonIgnore
    public boolean isDenied() {
        return errorCode != null
                && (errorCode.startsWith("AccessDenied") || errorCode.endsWith("UnauthorizedOperation"));
    }

    /** A field of the free-form record, or a missing node; never null. */
    public JsonNode field(String name) {
        return record().path(name);
    }

    public JsonNode requestParameters() {
        return record().path("requestParameters");
    }

    /**
     * Only the named members of {@code requestParameters}, read without building the record's tree when it has not
     * been built ({@link EventJson#requestMembers}): {@code requestParameters(SECRET_ID).path("secretId")} equals
     * {@code requestParameters().path("secretId")}. For detections that read a field or two of their candidate calls.
     */
    public JsonNode requestParameters(Set<String> names) {
        return json.requestMembers(names);
    }

    public JsonNode responseElements() {
        return record().path("responseElements");
    }

    public JsonNode additionalEventData() {
        return record().path("additionalEventData");
    }
}
