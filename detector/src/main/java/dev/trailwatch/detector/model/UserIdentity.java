package dev.trailwatch.detector.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The acting identity of a CloudTrail record ({@code userIdentity}), reduced to what detections read.
 *
 * @param type            {@code Root}, {@code IAMUser}, {@code AssumedRole}, {@code FederatedUser}, {@code AWSAccount},
 *                        {@code AWSService}, {@code IdentityCenterUser}, ...
 * @param sessionIssuerArn for assumed roles and federated users, the role or user that issued the session
 * @param sessionIssuerAccountId the account of that issuer
 * @param scopeIssuerType {@code inScopeOf.issuerType} (event version 1.11 on): the kind of resource AWS issued the
 *                        session's credentials to, e.g. {@code AWS::EC2::Instance}
 * @param scopeIssuedTo   {@code inScopeOf.credentialsIssuedTo}: that resource's ARN
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UserIdentity(
        String type,
        String principalId,
        String arn,
        String accountId,
        String accessKeyId,
        String userName,
        String invokedBy,
        String sessionIssuerArn,
        String sessionIssuerAccountId,
        String sessionIssuerUserName,
        String scopeIssuerType,
        String scopeIssuedTo) {

    public static final UserIdentity NONE =
            new UserIdentity(null, null, null, null, null, null, null, null, null, null, null, null);

    /**
     * The ARN, or null when the record has none: CloudTrail writes {@code "arn": ""} for some identities, IAM Identity
     * Center users signing in to the access portal among them.
     */
    @JsonIgnore
    public String arnIfPresent() {
        return arn == null || arn.isBlank() ? null : arn;
    }

    @JsonIgnore
    public boolean isRoot() {
        return "Root".equals(type);
    }

    @JsonIgnore
    public boolean isAwsService() {
        return "AWSService".equals(type);
    }
}
