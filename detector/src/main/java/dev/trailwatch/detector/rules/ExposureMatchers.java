package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Matchers for data exposure: resource policies and ACLs that let anyone in, and S3 Block Public Access turned off.
 *
 * <p>A policy statement counts as public when it has {@code "Effect": "Allow"}, a principal of {@code "*"},
 * {@code {"AWS": "*"}} or a list holding {@code "*"}, and no {@code Condition} on one of the keys that pin the caller
 * down ({@code aws:SourceOwner}, {@code aws:SourceAccount}, {@code aws:SourceArn}, {@code aws:PrincipalOrgID},
 * {@code aws:SourceVpce}, ... see {@link #RESTRICTING_KEYS}). Any other condition is ignored: a statement narrowed
 * by, say, {@code aws:UserAgent} or a tag still matches (a documented false positive the analyst clears by reading
 * the statement in the evidence), because telling a restrictive condition from a decorative one in general needs
 * more than a single event.
 */
final class ExposureMatchers {

    /** The prefix of the AllUsers and AuthenticatedUsers grantee URIs. */
    private static final String GLOBAL_GROUPS = "acs.amazonaws.com/groups/global/";
    private static final List<String> PUBLIC_CANNED_ACLS = List.of("public-read", "public-read-write",
            "authenticated-read");
    private static final List<String> BLOCK_FLAGS = List.of("BlockPublicAcls", "IgnorePublicAcls",
            "BlockPublicPolicy", "RestrictPublicBuckets");
    /** Request fields that hold a resource policy (object or JSON string), across S3, SNS, SQS, ECR, KMS, ... */
    private static final List<String> POLICY_FIELDS = List.of("policy", "policyText", "resourcePolicy",
            "accessPolicies");

    /** Condition keys (lower case) that limit who can use a statement to an account, organization or network. */
    static final Set<String> RESTRICTING_KEYS = Set.of("aws:sourceowner", "aws:sourceaccount", "aws:sourcearn",
            "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
            "aws:sourcevpce", "aws:sourcevpc", "aws:sourceip", "aws:resourceorgid", "kms:calleraccount");

    private ExposureMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(
                new RequestMatcher("bucket-policy-public",
                        "PutBucketPolicy sets a policy with an Allow statement for Principal \"*\" or {\"AWS\": \"*\"}",
                        e -> !publicStatements(e.requestParameters().path("bucketPolicy")).isEmpty(),
                        e -> RequestFields.evidence("publicStatements",
                                publicStatements(e.requestParameters().path("bucketPolicy")))),
                new RequestMatcher("bucket-acl-public",
                        "PutBucketAcl grants AllUsers or AuthenticatedUsers, by grant or canned ACL",
                        ExposureMatchers::bucketAclPublic, e -> Map.of()),
                new RequestMatcher("resource-policy-public",
                        "a resource policy in the request (S3, SNS, SQS, ECR, KMS, Secrets Manager, Glacier, "
                                + "OpenSearch, Lambda) allows Principal \"*\"",
                        e -> !resourcePublicStatements(e).isEmpty(),
                        e -> RequestFields.evidence("publicStatements", resourcePublicStatements(e))),
                new RequestMatcher("trust-policy-public",
                        "CreateRole or UpdateAssumeRolePolicy sets a trust policy that lets Principal \"*\" assume "
                                + "the role (an sts:ExternalId condition does not count as a restriction)",
                        e -> !trustPublicStatements(e).isEmpty(),
                        e -> RequestFields.evidence("publicStatements", trustPublicStatements(e))),
                new RequestMatcher("trust-policy-other-account",
                        "CreateRole or UpdateAssumeRolePolicy sets a trust policy whose Allow statements name, as "
                                + "an AWS principal, an account other than the role's own (an account id or an "
                                + "IAM / STS ARN)",
                        e -> !trustedOtherAccounts(e).isEmpty(),
                        e -> RequestFields.evidence("otherAccounts", List.copyOf(trustedOtherAccounts(e)))),
                new RequestMatcher("public-access-block-disabled",
                        "S3 Block Public Access is deleted, or set with any of its four flags false or left out",
                        ExposureMatchers::publicAccessBlockDisabled,
                        e -> RequestFields.evidence("disabledFlags", disabledFlags(e))));
    }

    /** The public Allow statements of a policy document (object or JSON string), as JSON text. */
    static List<String> publicStatements(JsonNode policy) {
        List<String> out = new ArrayList<>();
        for (JsonNode statement : RequestFields.items(RequestFields.document(policy).path("Statement"))) {
            if ("Allow".equals(RequestFields.text(statement, "Effect")) && isEveryone(statement.path("Principal"))
                    && !isRestricted(statement.path("Condition"))) {
                out.add(statement.toString());
            }
        }
        return out;
    }

    private static boolean isEveryone(JsonNode principal) {
        if (principal.isTextual()) {
            return principal.textValue().equals("*");
        }
        for (JsonNode value : RequestFields.items(principal.path("AWS"))) {
            if (value.asText().equals("*")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRestricted(JsonNode condition) {
        for (JsonNode operator : condition) {
            for (String key : (Iterable<String>) operator::fieldNames) {
                if (RESTRICTING_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> resourcePublicStatements(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        List<String> out = new ArrayList<>();
        for (String field : POLICY_FIELDS) {
            out.addAll(publicStatements(request.path(field)));
        }
        out.addAll(publicStatements(request.path("attributes").path("Policy")));
        out.addAll(publicStatements(request.path("policy").path("policy")));
        if ("Policy".equals(RequestFields.text(request, "attributeName"))) {
            out.addAll(publicStatements(request.path("attributeValue")));
        }
        if ("*".equals(RequestFields.text(request, "principal")) && !lambdaPermissionNarrowed(request)) {
            out.add("{\"Principal\":\"*\",\"Action\":\"" + RequestFields.text(request, "action") + "\"}");
        }
        return out;
    }

    /** Where a role's trust policy is in a request: CreateRole's, UpdateAssumeRolePolicy's. */
    private static final List<String> TRUST_POLICY_FIELDS = List.of("assumeRolePolicyDocument", "policyDocument");

    /** The role trust policy of a CreateRole or UpdateAssumeRolePolicy request: its public statements. */
    static List<String> trustPublicStatements(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        List<String> out = new ArrayList<>();
        for (String field : TRUST_POLICY_FIELDS) {
            out.addAll(publicStatements(request.path(field)));
        }
        return out;
    }

    /**
     * The accounts other than {@code recipientAccountId} that the Allow statements of a CreateRole or
     * UpdateAssumeRolePolicy trust policy name as AWS principals. Service and federated principals, {@code "*"}
     * (the public matcher's business) and unique ids of deleted principals ({@code AROA...}) name no account.
     */
    static Set<String> trustedOtherAccounts(CloudTrailEvent event) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode statement : trustStatements(event)) {
            if (!"Allow".equals(RequestFields.text(statement, "Effect"))) {
                continue;
            }
            for (JsonNode principal : RequestFields.items(statement.path("Principal").path("AWS"))) {
                String account = LambdaMatchers.accountOf(principal.asText());
                if (account != null && !account.equals(event.recipientAccountId())) {
                    out.add(account);
                }
            }
        }
        return out;
    }

    /** The statements of the trust policy a CreateRole or UpdateAssumeRolePolicy request sets. */
    static List<JsonNode> trustStatements(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        List<JsonNode> out = new ArrayList<>();
        for (String field : TRUST_POLICY_FIELDS) {
            out.addAll(RequestFields.items(RequestFields.document(request.path(field)).path("Statement")));
        }
        return out;
    }

    /**
     * Lambda's AddPermission takes the conditions as parameters: a source account, source ARN, organization or
     * function-URL auth type of AWS_IAM pins a {@code principal: "*"} grant down.
     */
    private static boolean lambdaPermissionNarrowed(JsonNode request) {
        return RequestFields.text(request, "sourceAccount") != null || RequestFields.text(request, "sourceArn") != null
                || RequestFields.text(request, "principalOrgID") != null
                || "AWS_IAM".equals(RequestFields.text(request, "functionUrlAuthType"));
    }

    static boolean bucketAclPublic(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        for (JsonNode acl : RequestFields.items(request.path("x-amz-acl"))) {
            if (PUBLIC_CANNED_ACLS.contains(acl.asText())) {
                return true;
            }
        }
        List<Map.Entry<String, JsonNode>> found = new ArrayList<>();
        RequestFields.collect(request.path("AccessControlPolicy"), "uri", found);
        RequestFields.collect(request, "x-amz-grant", found);
        return found.stream().anyMatch(entry -> entry.getValue().toString().contains(GLOBAL_GROUPS));
    }

    static boolean publicAccessBlockDisabled(CloudTrailEvent event) {
        return !disabledFlags(event).isEmpty();
    }

    /** Deleting the block disables all four flags; setting it disables those false or left out. */
    private static List<String> disabledFlags(CloudTrailEvent event) {
        if (event.eventName().startsWith("Delete") && event.eventName().endsWith("PublicAccessBlock")) {
            return BLOCK_FLAGS;
        }
        JsonNode config = event.requestParameters().path("PublicAccessBlockConfiguration");
        List<String> out = new ArrayList<>();
        if (config.isObject()) {
            for (String flag : BLOCK_FLAGS) {
                if (!RequestFields.isTrue(config.path(flag))) {
                    out.add(flag);
                }
            }
        }
        return out;
    }
}
