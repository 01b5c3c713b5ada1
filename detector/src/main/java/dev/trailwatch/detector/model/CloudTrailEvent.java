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

    /**
     * The account an alert about this record names: {@code recipientAccountId}, else the caller's
     * {@code userIdentity.accountId}. Records without {@code recipientAccountId} (CloudTrail wrote none before
     * eventVersion 1.02; documentation examples often drop it) are mostly console sign-ins, whose identity's account
     * is the account signed into. For display only (the alert's {@code accountId} and the {@code {accountId}}
     * placeholder, which must agree): whatever compares accounts, such as the foreign-account detector, keeps
     * reading {@code recipientAccountId}, so a record without it is never taken for a call from another account.
     */
    @JsonIgnore
    public String accountShown() {
        return recipientAccountId != null ? recipientAccountId : userIdentity.accountId();
    }

    /**
     * The acting principal's best identity: its ARN, else the service name ({@code AWSService}), the Identity Store
     * user's ARN ({@code IdentityCenterUser}), the account id ({@code AWSAccount}) or the principal id. An empty
     * string reads as absent: CloudTrail writes {@code "arn": ""} (and {@code "accessKeyId": ""}) for some identities,
     * Identity Center users signing in to the access portal among them.
     */
    public String principal() {
        UserIdentity id = userIdentity;
        String arn = id.arnIfPresent();
        if (arn != null) {
            return arn;
        }
        if (id.isAwsService() && present(id.invokedBy())) {
            return id.invokedBy();
        }
        if ("IdentityCenterUser".equals(id.type())) {
            String user = identityStoreUser();
            if (user != null) {
                return user;
            }
        }
        if (present(id.accountId())) {
            return id.accountId();
        }
        if (present(id.principalId())) {
            return id.principalId();
        }
        return present(id.invokedBy()) ? id.invokedBy() : "unknown";
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * An IAM Identity Center user's ARN in the Identity Store, {@code arn:<partition>:identitystore:::user/<userId>},
     * from {@code userIdentity.onBehalfOf} (an {@code IdentityCenterUser} identity has no ARN of its own); null
     * without a user id. Reads the record's tree, which only such identities without an ARN ask for.
     */
    private String identityStoreUser() {
        if (!json.mayHold("onBehalfOf")) {
            return null;
        }
        JsonNode onBehalfOf = record().path("userIdentity").path("onBehalfOf");
        JsonNode userId = onBehalfOf.path("userId");
        if (!userId.isTextual() || userId.asText().isBlank()) {
            return null;
        }
        String store = onBehalfOf.path("identityStoreArn").asText("");
        String partition = store.startsWith("arn:") && store.indexOf(':', 4) > 4
                ? store.substring(4, store.indexOf(':', 4)) : "aws";
        return "arn:" + partition + ":identitystore:::user/" + userId.asText();
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
     * True when the call was made with the credentials of an AWS Management Console session: CloudTrail writes
     * {@code sessionCredentialFromConsole: "true"} on such calls and leaves the field out otherwise (access keys, role
     * sessions of programs). The record's tree is read only when its bytes may hold the name, so ask it of the few
     * events a detection's typed fields already let through.
     */
    @JsonIgnore
    public boolean isConsoleSessionCall() {
        if (!json.mayHold(CONSOLE_SESSION)) {
            return false;
        }
        JsonNode flag = record().path(CONSOLE_SESSION);
        return flag.isBoolean() ? flag.booleanValue() : "true".equalsIgnoreCase(flag.asText());
    }

    private static final String CONSOLE_SESSION = "sessionCredentialFromConsole";

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
