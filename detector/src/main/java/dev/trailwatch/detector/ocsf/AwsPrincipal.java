package dev.trailwatch.detector.ocsf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an alert's {@code principal} says about the actor, read from its shape as CloudTrail writes it: an IAM user,
 * root or role-session ARN, a federated user, an IAM Identity Center user (its Identity Store ARN), a bare account id
 * ({@code AWSAccount}) or a service name ({@code AWSService}).
 *
 * @param uid the principal as the alert carries it (OCSF {@code user.uid})
 * @param type CloudTrail's {@code userIdentity.type} for this shape, or null when the shape is not one of them
 * @param typeId OCSF {@code user.type_id}: 1 User, 2 Admin (root), 4 Service, 99 Other (labelled by {@code type}),
 *               0 Unknown
 * @param name the user, session or service name, or null
 * @param accountId the principal's own account, or null (services)
 * @param sessionArn the role-session ARN when the principal is an assumed role (OCSF {@code session.uid_alt}), or null
 */
record AwsPrincipal(String uid, String type, int typeId, String name, String accountId, String sessionArn) {

    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:(iam|sts)::(\\d{12}):(root|user|assumed-role|federated-user|role)(?:/(.*))?");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    /** An IAM Identity Center user as the alert names it ({@code CloudTrailEvent.principal}): no account of its own. */
    private static final Pattern IDENTITY_STORE_USER = Pattern.compile("arn:aws[a-z-]*:identitystore:::user/(.+)");

    static AwsPrincipal of(String principal) {
        if (ACCOUNT.matcher(principal).matches()) {
            return new AwsPrincipal(principal, "AWSAccount", 99, null, principal, null);
        }
        if (principal.endsWith(".amazonaws.com")) {
            return new AwsPrincipal(principal, "AWSService", 4, principal, null, null);
        }
        Matcher user = IDENTITY_STORE_USER.matcher(principal);
        if (user.matches()) {
            return new AwsPrincipal(principal, "IdentityCenterUser", 1, user.group(1), null, null);
        }
        Matcher arn = ARN.matcher(principal);
        if (!arn.matches()) {
            return new AwsPrincipal(principal, null, 0, null, null, null);
        }
        String account = arn.group(2);
        String path = arn.group(4) == null ? "" : arn.group(4);
        String last = path.substring(path.lastIndexOf('/') + 1);
        return switch (arn.group(3)) {
            case "root" -> new AwsPrincipal(principal, "Root", 2, "root", account, null);
            case "user" -> new AwsPrincipal(principal, "IAMUser", 1, last, account, null);
            case "assumed-role" -> new AwsPrincipal(principal, "AssumedRole", 99, last, account, principal);
            case "federated-user" -> new AwsPrincipal(principal, "FederatedUser", 99, last, account, null);
            default -> new AwsPrincipal(principal, "Role", 99, last, account, null);
        };
    }

    /** OCSF's caption for {@link #typeId}, or CloudTrail's label when the id is Other (99). */
    String typeCaption() {
        return switch (typeId) {
            case 1 -> "User";
            case 2 -> "Admin";
            case 4 -> "Service";
            case 99 -> type;
            default -> "Unknown";
        };
    }
}
