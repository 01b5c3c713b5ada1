package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;

/**
 * The EC2 instance a role session's credentials were issued to, as CloudTrail writes it (event version 1.11 on):
 * {@code userIdentity.inScopeOf = {"issuerType": "AWS::EC2::Instance", "credentialsIssuedTo":
 * "arn:aws:ec2:<region>:<account>:instance/i-0123..."}}. AWS writes it for credentials the instance got from its
 * metadata service, whatever the session is called; the session name is the caller's choice. The parser reads both
 * members as typed fields of the identity ({@link UserIdentity#scopeIssuerType()}, {@link
 * UserIdentity#scopeIssuedTo()}), on the parse-ahead thread, so asking costs two field reads.
 */
final class InScopeOf {

    static final String EC2_INSTANCE = "AWS::EC2::Instance";

    private InScopeOf() {
    }

    /** The instance id ({@code i-...}, lower case) the credentials were issued to, or null. */
    static String instance(CloudTrailEvent event) {
        UserIdentity id = event.userIdentity();
        return instanceOf(id.scopeIssuerType(), id.scopeIssuedTo());
    }

    /** The id in an instance ARN ({@code arn:<partition>:ec2:<region>:<account>:instance/i-...}), when issued to one. */
    static String instanceOf(String issuerType, String issuedTo) {
        if (!EC2_INSTANCE.equals(issuerType) || issuedTo == null || !issuedTo.startsWith("arn:")) {
            return null;
        }
        int slash = issuedTo.lastIndexOf(":instance/");
        return slash < 0 ? null : InstanceCredentialExfiltrationDetector.instanceId(issuedTo, slash + 10);
    }
}
