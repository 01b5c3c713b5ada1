package dev.trailwatch.detector.samples;

import static dev.trailwatch.detector.samples.CloudTrailRecords.array;
import static dev.trailwatch.detector.samples.CloudTrailRecords.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One API call as CloudTrail names it, with realistic request parameters. Read calls record no response elements.
 *
 * @param global true for IAM and Organizations, which CloudTrail records in us-east-1 whatever the caller's region
 */
record Call(String eventSource, String eventName, JsonNode request, boolean readOnly, boolean global) {

    static Call read(String service, String name, JsonNode request) {
        return new Call(service + ".amazonaws.com", name, request, true, isGlobal(service));
    }

    static Call read(String service, String name) {
        return read(service, name, null);
    }

    static Call write(String service, String name, JsonNode request) {
        return new Call(service + ".amazonaws.com", name, request, false, isGlobal(service));
    }

    /** The IAM action this call needs, as an AccessDenied message names it ({@code iam:ListUsers}). */
    String action() {
        String prefix = eventSource.substring(0, eventSource.indexOf('.'));
        String name = eventName.replaceAll("20\\d{6}(v\\d)?$", "");
        return ("monitoring".equals(prefix) ? "cloudwatch" : prefix) + ":" + name;
    }

    /** The AWS CLI command for this call, as the CLI names it in its user agent ({@code ec2.describe-instances}). */
    String cliCommand() {
        String prefix = eventSource.substring(0, eventSource.indexOf('.'));
        String name = eventName.replaceAll("20\\d{6}(v\\d)?$", "");
        return ("monitoring".equals(prefix) ? "cloudwatch" : prefix) + "."
                + name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isGlobal(String service) {
        return "iam".equals(service) || "organizations".equals(service);
    }

    // ---- catalogs: what each kind of person or workload calls -------------------------------------------------

    static final String ORDERS_BUCKET = "prod-orders-archive";
    static final String ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:" + Org.SECURITY + ":trail/org-trail";

    /** An administrator's console: the breadth of services the production account uses. */
    static List<Call> adminConsole() {
        return List.of(
                read("iam", "ListUsers"), read("iam", "ListRoles"), read("iam", "GetAccountSummary"),
                read("iam", "GetRole", obj("roleName", "OpsAdmin")), read("iam", "ListPolicies",
                        obj("scope", "Local", "onlyAttached", false)),
                read("organizations", "DescribeOrganization"),
                read("secretsmanager", "ListSecrets", obj()),
                read("kms", "ListKeys", obj()), read("kms", "ListAliases", obj()),
                read("guardduty", "ListDetectors", obj()),
                read("cloudtrail", "DescribeTrails", obj("includeShadowTrails", true)),
                read("cloudtrail", "LookupEvents", obj("maxResults", 50, "lookupAttributes",
                        array(obj("attributeKey", "ReadOnly", "attributeValue", "false")))),
                read("config", "DescribeConfigurationRecorders", obj()),
                read("rds", "DescribeDBInstances", obj()),
                read("dynamodb", "ListTables", obj()),
                read("ssm", "DescribeParameters", obj()),
                read("ec2", "DescribeInstances", obj("instancesSet", obj(), "filterSet", obj())),
                read("s3", "ListBuckets", obj("Host", "s3.amazonaws.com")));
    }

    /** A developer's console: compute, functions, logs and metrics. */
    static List<Call> developerConsole() {
        return List.of(
                read("ec2", "DescribeInstances", obj("instancesSet", obj(), "filterSet", obj())),
                read("ec2", "DescribeSecurityGroups",
                        obj("securityGroupSet", obj(), "securityGroupIdSet", obj(), "filterSet", obj())),
                read("lambda", "ListFunctions20150331"),
                read("lambda", "GetFunction20150331v2", obj("functionName", "order-processor")),
                read("logs", "DescribeLogGroups", obj("logGroupNamePrefix", "/aws/lambda/")),
                read("logs", "FilterLogEvents", obj("logGroupName", "/aws/lambda/order-processor",
                        "interleaved", true, "limit", 100)),
                read("monitoring", "DescribeAlarms", obj("stateValue", "ALARM")),
                read("s3", "ListBuckets", obj("Host", "s3.amazonaws.com")));
    }

    /** An operator's CLI session in the OpsAdmin role. */
    static List<Call> operations() {
        return List.of(
                read("ec2", "DescribeInstances", obj("instancesSet", obj(), "filterSet", obj())),
                read("ec2", "DescribeVpcs", obj("vpcSet", obj(), "filterSet", obj())),
                read("rds", "DescribeDBInstances", obj()),
                read("ssm", "DescribeInstanceInformation", obj()),
                read("autoscaling", "DescribeAutoScalingGroups", obj()),
                read("elasticloadbalancing", "DescribeTargetHealth", obj("targetGroupArn",
                        "arn:aws:elasticloadbalancing:us-east-1:" + Org.PROD
                                + ":targetgroup/orders-api/6d0ecf831eec9f09")),
                read("dynamodb", "DescribeTable", obj("tableName", "orders")),
                read("monitoring", "DescribeAlarms", obj()));
    }

    /** A staging developer: containers, stacks and logs in eu-west-1. */
    static List<Call> stagingDeveloper() {
        return List.of(
                read("ec2", "DescribeInstances", obj("instancesSet", obj(), "filterSet", obj())),
                read("ecs", "ListClusters", obj()),
                read("ecs", "DescribeServices", obj("cluster", "shop", "services", array("shop-api"))),
                read("cloudformation", "DescribeStacks", obj("stackName", "shop-api")),
                read("logs", "FilterLogEvents", obj("logGroupName", "/ecs/shop-api", "interleaved", true)),
                read("ssm", "GetParameter", obj("name", "/staging/shop-api/feature-flags", "withDecryption", false)));
    }

    /** The security team's console in the management account. */
    static List<Call> securityAnalyst() {
        return List.of(
                read("guardduty", "ListDetectors", obj()),
                read("guardduty", "ListFindings", obj("detectorId", "6cc0b5f2d6a4e1d3b2a8f9e0c7d6b5a4")),
                read("securityhub", "GetFindings", obj("maxResults", 100)),
                read("cloudtrail", "GetTrailStatus", obj("name", ORG_TRAIL)),
                read("cloudtrail", "DescribeTrails", obj("includeShadowTrails", true)),
                read("organizations", "ListAccounts"),
                read("organizations", "DescribeOrganization"),
                read("config", "DescribeConfigurationRecorderStatus", obj()),
                read("iam", "GetAccountSummary"));
    }

    /** What a compromised developer tries first: 25 calls, each denied by the developer's narrow policy. */
    static List<Call> reconnaissance() {
        return List.of(
                read("iam", "ListUsers"), read("iam", "ListRoles"), read("iam", "ListGroups"),
                read("iam", "ListPolicies", obj("scope", "Local", "onlyAttached", false)),
                read("iam", "GetAccountAuthorizationDetails"), read("iam", "ListAccessKeys", obj("userName", "alice")),
                read("iam", "ListAttachedUserPolicies", obj("userName", "bob")),
                read("iam", "GetAccountSummary"), read("iam", "ListSAMLProviders"),
                read("iam", "ListOpenIDConnectProviders"),
                read("organizations", "DescribeOrganization"), read("organizations", "ListAccounts"),
                read("secretsmanager", "ListSecrets", obj()),
                read("secretsmanager", "GetSecretValue", obj("secretId", "prod/orders/db-password")),
                read("secretsmanager", "GetSecretValue", obj("secretId", "prod/payments/api-key")),
                read("kms", "ListKeys", obj()), read("kms", "ListAliases", obj()),
                read("guardduty", "ListDetectors", obj()),
                read("cloudtrail", "DescribeTrails", obj("includeShadowTrails", true)),
                read("cloudtrail", "GetTrailStatus", obj("name", ORG_TRAIL)),
                read("config", "DescribeConfigurationRecorders", obj()),
                read("rds", "DescribeDBInstances", obj()),
                read("dynamodb", "ListTables", obj()),
                read("ssm", "GetParametersByPath", obj("path", "/prod/", "recursive", true, "withDecryption", true)),
                read("ec2", "DescribeSnapshots", obj("snapshotSet", obj(), "ownersSet",
                        CloudTrailRecords.items(obj("owner", "self")), "sharedUsersSet", obj(), "filterSet", obj())));
    }

    /** A single call someone is occasionally not allowed to make: background noise, far below a burst. */
    static Call occasionalDenial() {
        return read("iam", "GetAccountAuthorizationDetails");
    }

    /** The error CloudTrail records when a call is denied, worded as each service words it. */
    static String[] denial(Call call, String principalArn) {
        String service = call.eventSource().substring(0, call.eventSource().indexOf('.'));
        String action = call.action();
        String because = " because no identity-based policy allows the " + action + " action";
        return switch (service) {
            case "ec2" -> new String[] {"Client.UnauthorizedOperation", "You are not authorized to perform this "
                    + "operation. User: " + principalArn + " is not authorized to perform: " + action + because};
            case "kms", "organizations", "dynamodb", "guardduty", "config", "ssm", "secretsmanager" -> new String[] {
                    "AccessDeniedException", "User: " + principalArn + " is not authorized to perform: " + action
                            + because};
            default -> new String[] {"AccessDenied", "User: " + principalArn + " is not authorized to perform: "
                    + action + " on resource: " + resourceFor(call) + because};
        };
    }

    private static String resourceFor(Call call) {
        return switch (call.eventSource()) {
            case "iam.amazonaws.com" -> "arn:aws:iam::" + Org.PROD + ":user/";
            case "cloudtrail.amazonaws.com" -> ORG_TRAIL;
            case "rds.amazonaws.com" -> "arn:aws:rds:us-east-1:" + Org.PROD + ":db:*";
            default -> "*";
        };
    }

    /** Copies the request so that a record never shares a node with another. */
    ObjectNode requestCopy() {
        return request == null ? null : (ObjectNode) request.deepCopy();
    }
}
