package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Matchers for IAM changes that grant administrator power or credentials to someone else. */
final class IdentityMatchers {

    private static final String ADMIN_POLICY_SUFFIX = ":policy/AdministratorAccess";

    private IdentityMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(
                new RequestMatcher("admin-policy-attached",
                        "Attach{User,Group,Role}Policy attaches a policy whose ARN ends in :policy/AdministratorAccess",
                        IdentityMatchers::adminPolicyAttached,
                        e -> RequestFields.evidence("policyArn", RequestFields.text(e.requestParameters(), "policyArn"))),
                new RequestMatcher("policy-grants-admin",
                        "an inline or managed policy document (policyDocument, or a permission set's inlinePolicy)"
                                + " allows Action \"*\" on Resource \"*\"",
                        e -> !adminStatements(e).isEmpty(),
                        e -> RequestFields.evidence("adminStatements", adminStatements(e))),
                new RequestMatcher("access-key-for-other-user",
                        "CreateAccessKey names a userName that is not the calling IAM user",
                        IdentityMatchers::targetsOtherUser, IdentityMatchers::targetEvidence),
                new RequestMatcher("login-profile-for-other-user",
                        "CreateLoginProfile or UpdateLoginProfile names a userName that is not the calling IAM user",
                        IdentityMatchers::targetsOtherUser, IdentityMatchers::targetEvidence));
    }

    static boolean adminPolicyAttached(CloudTrailEvent event) {
        String arn = RequestFields.text(event.requestParameters(), "policyArn");
        return event.eventName().startsWith("Attach") && arn != null && arn.endsWith(ADMIN_POLICY_SUFFIX);
    }

    /**
     * The statements of {@code policyDocument} (IAM), or of {@code inlinePolicy} (an Identity Center permission set),
     * that allow every action on every resource, as JSON text.
     */
    static List<String> adminStatements(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        JsonNode document = RequestFields.document(request.has("policyDocument") ? request.path("policyDocument")
                : request.path("inlinePolicy"));
        List<String> out = new ArrayList<>();
        for (JsonNode statement : RequestFields.items(document.path("Statement"))) {
            if ("Allow".equals(RequestFields.text(statement, "Effect"))
                    && containsStar(statement.path("Action"), true) && containsStar(statement.path("Resource"), false)) {
                out.add(statement.toString());
            }
        }
        return out;
    }

    private static boolean containsStar(JsonNode node, boolean allowServiceStar) {
        for (JsonNode value : RequestFields.items(node)) {
            String text = value.asText();
            if (text.equals("*") || (allowServiceStar && text.equals("*:*"))) {
                return true;
            }
        }
        return false;
    }

    /** The call acts on a user other than the calling IAM user (roles and root act on others by definition). */
    static boolean targetsOtherUser(CloudTrailEvent event) {
        return RequestFields.otherUserTargeted(event) != null;
    }

    private static Map<String, Object> targetEvidence(CloudTrailEvent event) {
        return RequestFields.evidence("targetUser", RequestFields.otherUserTargeted(event));
    }
}
