package dev.trailwatch.detector.samples;

import static dev.trailwatch.detector.samples.CloudTrailRecords.assumedRole;
import static dev.trailwatch.detector.samples.CloudTrailRecords.awsService;
import static dev.trailwatch.detector.samples.CloudTrailRecords.consoleUser;
import static dev.trailwatch.detector.samples.CloudTrailRecords.iamUser;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample organization: three accounts, their people, roles, networks and clients. Only documentation IP ranges
 * (RFC 5737) are used: 198.51.100.0/24 for offices, 192.0.2.0/24 for CI and NAT egress, 203.0.113.0/24 for attackers.
 */
final class Org {

    static final String PROD = "111111111111";
    static final String STAGING = "222222222222";
    static final String SECURITY = "333333333333";
    static final String FOREIGN = "999999999999";

    static final String US_EAST_1 = "us-east-1";
    static final String EU_WEST_1 = "eu-west-1";
    static final String AP_SOUTHEAST_2 = "ap-southeast-2";

    static final String PROD_OFFICE_IP = "198.51.100.14";
    static final String EU_OFFICE_IP = "198.51.100.87";
    static final String CI_IP = "192.0.2.140";
    static final String NAT_US_IP = "192.0.2.201";
    static final String NAT_EU_IP = "192.0.2.215";
    static final String SECURITY_NAT_IP = "192.0.2.230";
    static final String ATTACKER_IP = "203.0.113.66";
    static final String FOREIGN_IP = "203.0.113.91";

    static final String CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36";
    static final String EDGE_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36 Edg/133.0.0.0";
    static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    static final String JAVA_SDK = "aws-sdk-java/2.30.31 Linux/6.1.128-136.201.amzn2023.x86_64 "
            + "OpenJDK_64-Bit_Server_VM/21.0.6+7-LTS Java/21.0.6 vendor/Amazon.com_Inc. md/internal "
            + "exec-env/AWS_ECS_EC2 io/sync http/Apache cfg/retry-mode/legacy";
    static final String BOTO3_LAMBDA = "Boto3/1.36.3 md/Botocore#1.36.3 ua/2.0 os/linux#5.10.234-245.895.amzn2.x86_64 "
            + "md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
            + "cfg/retry-mode#legacy Botocore/1.36.3";
    static final String SSM_AGENT = "aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.1142.0";
    static final String TERRAFORM = "APN/1.0 HashiCorp/1.0 Terraform/1.10.5 (+https://www.terraform.io) "
            + "terraform-provider-aws/5.88.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
            + "aws-sdk-go-v2/1.36.1 ua/2.1 os/linux lang/go#1.23.6 md/GOOS#linux md/GOARCH#amd64";

    /** An IAM user with a stable unique id and, for programmatic users, a long-term access key. */
    record User(String account, String name, String principalId, String accessKeyId, String ip, String browser) {
        String arn() {
            return "arn:aws:iam::" + account + ":user/" + name;
        }
    }

    /** An IAM role; {@code path} is e.g. {@code aws-service-role/autoscaling.amazonaws.com}, or null. */
    record Role(String account, String name, String path, String roleId) {
        String arn() {
            return "arn:aws:iam::" + account + ":role/" + (path == null ? "" : path + "/") + name;
        }
    }

    private final CloudTrailRecords records;
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Role> roles = new LinkedHashMap<>();

    Org(CloudTrailRecords records) {
        this.records = records;
        user(PROD, "alice", PROD_OFFICE_IP, CHROME_MAC);
        user(PROD, "bob", PROD_OFFICE_IP, EDGE_WINDOWS);
        user(PROD, "carol", PROD_OFFICE_IP, CHROME_MAC);
        user(PROD, "svc-deploy", CI_IP, null);
        user(STAGING, "erin", EU_OFFICE_IP, CHROME_MAC);
        user(SECURITY, "gina", PROD_OFFICE_IP, EDGE_WINDOWS);
        role(PROD, "OpsAdmin", null);
        role(PROD, "ci-deployer", null);
        role(PROD, "app-server-role", null);
        role(PROD, "order-processor-lambda", "service-role");
        role(PROD, "AWSServiceRoleForAutoScaling", "aws-service-role/autoscaling.amazonaws.com");
        role(PROD, "AWSServiceRoleForConfig", "aws-service-role/config.amazonaws.com");
        role(PROD, "SecurityAuditRole", null);
        role(STAGING, "AWSReservedSSO_Developer_5f3c1a2b9d8e7f60", "aws-reserved/sso.amazonaws.com/eu-west-1");
        role(STAGING, "github-actions-deploy", null);
        role(STAGING, "shop-api-task", null);
        role(STAGING, "SecurityAuditRole", null);
        role(SECURITY, "security-tooling", "service-role");
        role(FOREIGN, "xfer-automation", null);
    }

    private void user(String account, String name, String ip, String browser) {
        String key = browser == null || "carol".equals(name) ? records.accessKeyId("AKIA") : null;
        users.put(account + "/" + name, new User(account, name, records.uniqueId("AIDA"), key, ip, browser));
    }

    private void role(String account, String name, String path) {
        roles.put(account + "/" + name, new Role(account, name, path, records.uniqueId("AROA")));
    }

    User user(String account, String name) {
        return users.get(account + "/" + name);
    }

    Role role(String account, String name) {
        return roles.get(account + "/" + name);
    }

    // ---- actors -----------------------------------------------------------------------------------------------

    /** A console session of an IAM user that signed in at {@code signIn}. */
    Actor console(User user, Instant signIn, boolean mfa) {
        return new Actor(user.name(), consoleUser(user.account(), user.name(), user.principalId(),
                records.accessKeyId("ASIA"), signIn, mfa), user.ip(), user.browser(), true);
    }

    /** An IAM user calling with its long-term access key from the AWS CLI. */
    Actor cli(User user, String command) {
        return new Actor(user.name(), iamUser(user.account(), user.name(), user.principalId(), user.accessKeyId()),
                user.ip(), cliAgent(command), false);
    }

    /** A role session; {@code invokedBy} names the AWS service calling with it, or is null. */
    Actor session(Role role, String session, Instant start, String ip, String agent, boolean mfa, String invokedBy) {
        return new Actor(role.name() + "/" + session, assumedRole(role.account(), role.name(), role.path(),
                role.roleId(), session, records.accessKeyId("ASIA"), start, mfa, invokedBy), ip, agent, false);
    }

    /** An AWS service acting for itself ({@code userIdentity.type = AWSService}). */
    static Actor service(String service) {
        return new Actor(service, awsService(service), service, service, false);
    }

    static String cliAgent(String command) {
        return "aws-cli/2.24.10 md/awscrt#0.23.8 ua/2.0 os/linux#6.8.0-1021-aws md/arch#x86_64 lang/python#3.12.9 "
                + "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#" + command;
    }
}
