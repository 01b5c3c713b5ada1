package dev.trailwatch.detector.samples;

import static dev.trailwatch.detector.samples.CloudTrailRecords.obj;
import static dev.trailwatch.detector.samples.Org.EU_WEST_1;
import static dev.trailwatch.detector.samples.Org.PROD;
import static dev.trailwatch.detector.samples.Org.SECURITY;
import static dev.trailwatch.detector.samples.Org.STAGING;
import static dev.trailwatch.detector.samples.Org.US_EAST_1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.samples.Org.Role;
import dev.trailwatch.detector.samples.Org.User;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Nine days of ordinary activity in the three accounts: people signing in with MFA and browsing, an operator's
 * CLI, CI deployments, instances, functions and containers using their roles, AWS services acting on their own, and
 * from day six the security account auditing the others. Nothing here should alert, except watch-list rules that fire
 * on any occurrence of an event name.
 *
 * <p>Every service and region an account uses is used on the first day, so a first-use detector has learned them
 * all long before the attack. ap-southeast-2 is never used here.
 */
final class Background {

    static final LocalDate FIRST_DAY = LocalDate.of(2025, 3, 3);
    static final int DAYS = 9;
    /** The security account starts auditing the workload accounts on this day (0-based): a cross-account pattern. */
    static final int AUDIT_FROM_DAY = 5;

    private static final String PROD_INSTANCE = "i-0a1b2c3d4e5f60718";
    private static final String EU_INSTANCE = "i-0f9e8d7c6b5a49382";
    private static final String GITHUB_RUNNER_IP = "192.0.2.150";

    private final Timeline timeline;
    private final Org org;
    private final CloudTrailRecords records;
    private final Random random;

    Background(Timeline timeline) {
        this.timeline = timeline;
        this.org = timeline.org();
        this.records = timeline.records();
        this.random = records.random();
    }

    void generate() {
        for (int day = 0; day < DAYS; day++) {
            LocalDate date = FIRST_DAY.plusDays(day);
            boolean workday = date.getDayOfWeek().getValue() <= DayOfWeek.FRIDAY.getValue();
            Actor auditor = securityDay(date, day, workday);
            prodDay(date, day, workday, auditor);
            stagingDay(date, day, workday, auditor);
        }
    }

    // ---- production: people, CI, instances, functions, AWS services ------------------------------------------

    private void prodDay(LocalDate date, int day, boolean workday, Actor auditor) {
        for (int hour = 0; hour < 24; hour += 6) {
            instance(at(date, hour, hour + 1), PROD_INSTANCE, US_EAST_1, Org.NAT_US_IP);
            instance(at(date, hour, hour + 1), EU_INSTANCE, EU_WEST_1, Org.NAT_EU_IP);
        }
        for (int i = 0; i < 3; i++) {
            Actor fn = timeline.assumeRole(at(date, 0, 24), Org.service("lambda.amazonaws.com"),
                    org.role(PROD, "order-processor-lambda"), "order-processor", Org.NAT_US_IP, Org.BOTO3_LAMBDA, null);
            Instant t = created(fn);
            timeline.call(later(t, 1, 5), fn, PROD, US_EAST_1, Call.read("dynamodb", "DescribeTable",
                    obj("tableName", "orders")));
            timeline.call(later(t, 5, 60), fn, PROD, US_EAST_1, kmsDecrypt("orders"));
        }
        awsServices(date);
        if (day == 1) {
            rotateKey(at(date, 3, 4), PROD);
        }
        if (workday && (day == 0 || chance(0.9))) {
            consoleDay(date, org.user(PROD, "alice"), Call.adminConsole(), day == 0, day == 2);
        }
        if (workday && (day == 0 || chance(0.9))) {
            consoleDay(date, org.user(PROD, "bob"), Call.developerConsole(), day == 0, false);
        }
        if (day == 0 || chance(workday ? 0.85 : 0.3)) {
            operatorDay(date, day);
        }
        if (workday) {
            int runs = day == 0 ? 3 : 2 + random.nextInt(2);
            for (int i = 0; i < runs; i++) {
                deployment(at(date, 10, 18), day == 0 && i == 0);
            }
        }
        if (auditor != null) {
            audit(auditor, org.role(PROD, "SecurityAuditRole"), date);
        }
    }

    private void instance(Instant time, String instanceId, String region, String ip) {
        Actor session = timeline.assumeRole(time, Org.service("ec2.amazonaws.com"),
                org.role(PROD, "app-server-role"), instanceId, ip, Org.SSM_AGENT, null);
        String zone = region + "a";
        timeline.call(later(time, 20, 90), session, PROD, region, Call.write("ssm", "UpdateInstanceInformation",
                obj("instanceId", instanceId, "agentVersion", "3.3.1142.0", "agentStatus", "Active",
                        "platformType", "Linux", "platformName", "Amazon Linux", "platformVersion", "2023",
                        "iPAddress", US_EAST_1.equals(region) ? "10.20.1.34" : "10.40.2.17",
                        "computerName", US_EAST_1.equals(region) ? "ip-10-20-1-34.ec2.internal"
                                : "ip-10-40-2-17.eu-west-1.compute.internal",
                        "agentName", "amazon-ssm-agent", "availabilityZone", zone)));
        Actor app = session.from(ip, Org.JAVA_SDK);
        Instant t = later(time, 120, 3 * 3600);
        switch (random.nextInt(3)) {
            case 0 -> timeline.call(t, app, PROD, region, kmsDecrypt("orders"));
            case 1 -> timeline.call(t, app, PROD, region, Call.read("secretsmanager", "GetSecretValue",
                    obj("secretId", "prod/orders/db-password")));
            default -> s3Object(t, app, region, "GetObject", "2025/" + date(t) + "/orders-" + (1000 + random.nextInt(
                    9000)) + ".json");
        }
    }

    private void awsServices(LocalDate date) {
        Role asg = org.role(PROD, "AWSServiceRoleForAutoScaling");
        Role config = org.role(PROD, "AWSServiceRoleForConfig");
        for (int i = 0; i < 2; i++) {
            Instant t = at(date, 0, 24);
            Actor scaling = org.session(asg, "AutoScaling", t.minusSeconds(600), "autoscaling.amazonaws.com",
                    "autoscaling.amazonaws.com", false, "autoscaling.amazonaws.com");
            timeline.call(t, scaling, PROD, US_EAST_1, Call.read("ec2", "DescribeInstanceStatus",
                    obj("instancesSet", CloudTrailRecords.items(obj("instanceId", PROD_INSTANCE)), "filterSet", obj(),
                            "includeAllInstances", false)));
            Instant c = at(date, 0, 24);
            Actor recorder = org.session(config, "AWSConfig-Describe", c.minusSeconds(300), "config.amazonaws.com",
                    "config.amazonaws.com", false, "config.amazonaws.com");
            timeline.call(c, recorder, PROD, i == 0 ? US_EAST_1 : EU_WEST_1, Call.read("ec2", "DescribeSecurityGroups",
                    obj("securityGroupSet", obj(), "securityGroupIdSet", obj(), "filterSet", obj())));
        }
    }

    /** A person signs in with MFA in the morning and browses for a while; on the first day, every page once. */
    private void consoleDay(LocalDate date, User user, List<Call> catalog, boolean everything, boolean typo) {
        Instant signIn = at(date, 8, 10);
        if (typo) {
            timeline.consoleLogin(signIn.minusSeconds(25 + random.nextInt(30)), user, user.ip(), user.browser(),
                    false, false);
        }
        timeline.consoleLogin(signIn, user, user.ip(), user.browser(), true, true);
        Actor console = org.console(user, signIn, true);
        for (Call call : pick(catalog, everything ? catalog.size() : 4 + random.nextInt(5))) {
            String region = chance(0.75) || SECURITY.equals(user.account()) ? US_EAST_1 : EU_WEST_1;
            timeline.call(later(signIn, 30, 6 * 3600), console, user.account(), region, call);
        }
        if (everything && PROD.equals(user.account())) {
            // Day one also touches the second region with every regional service, so both regions are learned.
            for (Call call : catalog) {
                if (!call.global()) {
                    timeline.call(later(signIn, 30, 6 * 3600), console, user.account(), EU_WEST_1, call);
                }
            }
        }
    }

    /** The operator assumes OpsAdmin from the CLI and looks around; now and then a call is denied. */
    private void operatorDay(LocalDate date, int day) {
        User carol = org.user(PROD, "carol");
        Instant start = at(date, 9, 17);
        Actor ops = timeline.assumeRole(start, org.cli(carol, "sts.assume-role"), org.role(PROD, "OpsAdmin"), "carol",
                carol.ip(), Org.cliAgent("sts.assume-role"), null);
        List<Call> calls = Call.operations();
        for (Call call : pick(calls, day == 0 ? calls.size() : 3 + random.nextInt(4))) {
            timeline.call(later(start, 10, 3600), ops.from(carol.ip(), Org.cliAgent(call.cliCommand())), PROD,
                    chance(0.8) ? US_EAST_1 : EU_WEST_1, call);
        }
        if (day % 4 == 3) {
            Call denied = Call.occasionalDenial();
            timeline.denied(later(start, 60, 3000), ops.from(carol.ip(), Org.cliAgent(denied.cliCommand())), PROD,
                    US_EAST_1, denied);
        }
    }

    /** A CI run: the deploy user assumes the deployer role, which updates the order processor. */
    private void deployment(Instant start, boolean everything) {
        User deploy = org.user(PROD, "svc-deploy");
        String run = String.valueOf(13_000_000_000L + random.nextInt(900_000_000));
        Actor deployer = timeline.assumeRole(start, org.cli(deploy, "sts.assume-role"), org.role(PROD, "ci-deployer"),
                "gha-" + run, Org.CI_IP, Org.TERRAFORM, null);
        Instant t = later(start, 2, 20);
        timeline.call(t, deployer, PROD, US_EAST_1, Call.read("sts", "GetCallerIdentity"));
        timeline.call(t = later(t, 2, 30), deployer, PROD, US_EAST_1, Call.read("cloudformation", "DescribeStacks",
                obj("stackName", "order-service")));
        timeline.call(t = later(t, 2, 30), deployer, PROD, US_EAST_1, Call.read("lambda", "GetFunction20150331v2",
                obj("functionName", "order-processor")));
        if (everything || chance(0.7)) {
            s3Object(t = later(t, 5, 60), deployer, US_EAST_1, "PutObject", "builds/order-processor-" + run + ".zip");
            timeline.call(later(t, 2, 30), deployer, PROD, US_EAST_1, Call.write("lambda",
                    "UpdateFunctionCode20150331v2", obj("functionName", "order-processor", "s3Bucket",
                            "prod-deploy-artifacts", "s3Key", "builds/order-processor-" + run + ".zip",
                            "publish", true, "dryRun", false)))
                    .set("responseElements", obj("functionName", "order-processor", "functionArn",
                            "arn:aws:lambda:us-east-1:" + PROD + ":function:order-processor", "runtime",
                            "python3.12", "codeSize", 48213, "version", String.valueOf(40 + random.nextInt(60)),
                            "lastUpdateStatus", "InProgress"));
        }
    }

    // ---- staging: a developer, SSO sessions, GitHub Actions, containers ---------------------------------------

    private void stagingDay(LocalDate date, int day, boolean workday, Actor auditor) {
        for (int i = 0; i < 4; i++) {
            String task = records.hex(32);
            Actor taskRole = timeline.assumeRole(at(date, i * 6, i * 6 + 6), Org.service("ecs-tasks.amazonaws.com"),
                    org.role(STAGING, "shop-api-task"), task, Org.NAT_EU_IP, Org.JAVA_SDK, null);
            timeline.call(later(created(taskRole), 3, 30), taskRole, STAGING, EU_WEST_1, Call.read("ssm",
                    "GetParameters", obj("names", CloudTrailRecords.array("/staging/shop-api/db-url"),
                            "withDecryption", true)));
        }
        if (workday && (day == 0 || chance(0.85))) {
            User erin = org.user(STAGING, "erin");
            Instant signIn = at(date, 7, 9);
            if (day == 3) {
                timeline.consoleLogin(signIn.minusSeconds(70), erin, erin.ip(), erin.browser(), false, false);
                timeline.consoleLogin(signIn.minusSeconds(40), erin, erin.ip(), erin.browser(), false, false);
            }
            timeline.consoleLogin(signIn, erin, erin.ip(), erin.browser(), true, true);
            Actor console = org.console(erin, signIn, true);
            List<Call> calls = Call.stagingDeveloper();
            for (Call call : pick(calls, day == 0 ? calls.size() : 2 + random.nextInt(4))) {
                timeline.call(later(signIn, 30, 5 * 3600), console, STAGING, EU_WEST_1, call);
            }
        }
        if (workday && (day == 0 || chance(0.7))) {
            Instant start = at(date, 8, 16);
            Actor frank = org.session(org.role(STAGING, "AWSReservedSSO_Developer_5f3c1a2b9d8e7f60"),
                    "frank@example.com", start, Org.EU_OFFICE_IP, Org.CHROME_MAC, false, null);
            frank = new Actor(frank.name(), frank.userIdentity(), frank.sourceIp(), frank.userAgent(), true);
            List<Call> calls = Call.stagingDeveloper();
            for (Call call : pick(calls, day == 0 ? calls.size() : 2 + random.nextInt(3))) {
                timeline.call(later(start, 30, 4 * 3600), frank, STAGING, day == 0 ? US_EAST_1 : EU_WEST_1, call);
            }
        }
        if (workday) {
            for (int i = 0, runs = 2 + random.nextInt(3); i < runs; i++) {
                githubDeployment(at(date, 9, 18));
            }
        }
        if (auditor != null) {
            audit(auditor, org.role(STAGING, "SecurityAuditRole"), date);
        }
    }

    private void githubDeployment(Instant start) {
        Role role = org.role(STAGING, "github-actions-deploy");
        String provider = "arn:aws:iam::" + STAGING + ":oidc-provider/token.actions.githubusercontent.com";
        String subject = "repo:example-org/shop-api:ref:refs/heads/main";
        Actor github = new Actor("github", obj("type", "WebIdentityUser", "principalId",
                provider + ":sts.amazonaws.com:" + subject, "userName", subject, "identityProvider", provider),
                GITHUB_RUNNER_IP, "aws-sdk-js/3.750.0 ua/2.1 os/linux#6.8.0-1021-azure lang/js md/nodejs#20.18.3 "
                        + "api/sts#3.750.0 m/E,e", false);
        Actor session = org.session(role, "GitHubActions", start, GITHUB_RUNNER_IP, github.userAgent()
                .replace("api/sts", "api/ecs"), false, null);
        timeline.add(records.event(start, github, STAGING, EU_WEST_1, "sts.amazonaws.com",
                "AssumeRoleWithWebIdentity")
                .request(obj("roleArn", role.arn(), "roleSessionName", "GitHubActions", "durationSeconds", 3600))
                .response(obj("credentials", obj("accessKeyId", session.userIdentity().path("accessKeyId").asText(),
                                "expiration", CloudTrailRecords.expiration(start.plus(Duration.ofHours(1)))),
                        "subjectFromWebIdentityToken", subject,
                        "assumedRoleUser", obj("assumedRoleId", role.roleId() + ":GitHubActions",
                                "arn", "arn:aws:sts::" + STAGING + ":assumed-role/" + role.name() + "/GitHubActions"),
                        "provider", provider, "audience", "sts.amazonaws.com"))
                .resource("AWS::IAM::Role", role.arn(), STAGING));
        Instant t = later(start, 5, 40);
        timeline.call(t, session, STAGING, EU_WEST_1, Call.read("ecr", "GetAuthorizationToken", obj()));
        timeline.call(t = later(t, 30, 240), session, STAGING, EU_WEST_1, Call.read("ecs", "DescribeServices",
                obj("cluster", "shop", "services", CloudTrailRecords.array("shop-api"))));
        timeline.call(later(t, 2, 20), session, STAGING, EU_WEST_1, Call.write("ecs", "UpdateService",
                obj("cluster", "shop", "service", "shop-api", "forceNewDeployment", true)));
    }

    // ---- security (management) account: analysts, tooling, audits of the other accounts -----------------------

    /** Returns the tooling session that audits the other accounts today, or null before auditing starts. */
    private Actor securityDay(LocalDate date, int day, boolean workday) {
        Role tooling = org.role(SECURITY, "security-tooling");
        Actor auditor = null;
        for (int hour = 2; hour < 24; hour += 4) {
            Actor scan = timeline.assumeRole(at(date, hour, hour + 1), Org.service("lambda.amazonaws.com"), tooling,
                    "security-tooling", Org.SECURITY_NAT_IP, Org.BOTO3_LAMBDA, null);
            timeline.call(later(created(scan), 2, 20), scan, SECURITY, US_EAST_1, Call.read("guardduty",
                    "ListFindings", obj("detectorId", "6cc0b5f2d6a4e1d3b2a8f9e0c7d6b5a4")));
            if (hour == 6 && day >= AUDIT_FROM_DAY) {
                auditor = scan;
            }
        }
        if (day == 1) {
            rotateKey(at(date, 4, 5), SECURITY);
        }
        if (workday && (day == 0 || chance(0.9))) {
            consoleDay(date, org.user(SECURITY, "gina"), Call.securityAnalyst(), day == 0, false);
        }
        return auditor;
    }

    /** The security account's tooling assumes the audit role in another account and reads its posture. */
    private void audit(Actor tooling, Role auditRole, LocalDate date) {
        Instant start = later(created(tooling), 30, 300);
        Actor audit = timeline.assumeRole(start, tooling, auditRole, "security-audit", Org.SECURITY_NAT_IP,
                Org.BOTO3_LAMBDA, null);
        List<ObjectNode> events = timeline.events();
        timeline.copyFor(events.get(events.size() - 1), SECURITY);
        String account = auditRole.account();
        timeline.call(later(start, 2, 10), audit, account, US_EAST_1, Call.read("iam", "GetAccountSummary"));
        timeline.call(later(start, 10, 30), audit, account, US_EAST_1, Call.read("ec2", "DescribeSecurityGroups",
                obj("securityGroupSet", obj(), "securityGroupIdSet", obj(), "filterSet", obj())));
        timeline.call(later(start, 30, 60), audit, account, EU_WEST_1, Call.read("ec2", "DescribeSecurityGroups",
                obj("securityGroupSet", obj(), "securityGroupIdSet", obj(), "filterSet", obj())));
    }

    // ---- shared pieces ----------------------------------------------------------------------------------------

    /** KMS rotating a customer managed key by itself: an {@code AwsServiceEvent} with no caller but KMS. */
    private void rotateKey(Instant time, String account) {
        String keyId = records.uuid();
        String arn = "arn:aws:kms:us-east-1:" + account + ":key/" + keyId;
        Actor kms = new Actor("kms", obj("accountId", account, "invokedBy", "kms.amazonaws.com"), "kms.amazonaws.com",
                "kms.amazonaws.com", false);
        timeline.add(records.event(time, kms, account, US_EAST_1, "kms.amazonaws.com", "RotateKey").serviceEvent()
                .write().additional(obj("keyId", arn)).resource("AWS::KMS::Key", arn, account));
    }

    private void s3Object(Instant time, Actor actor, String region, String operation, String key) {
        String bucket = "PutObject".equals(operation) ? "prod-deploy-artifacts" : Call.ORDERS_BUCKET;
        String host = bucket + ".s3." + region + ".amazonaws.com";
        CloudTrailRecords.Event event = records.event(time, actor, PROD, region, "s3.amazonaws.com", operation)
                .dataEvent(host)
                .request(obj("bucketName", bucket, "Host", host, "key", key))
                .additional(obj("SignatureVersion", "SigV4", "CipherSuite", "TLS_AES_128_GCM_SHA256",
                        "bytesTransferredIn", "PutObject".equals(operation) ? 48213 : 0,
                        "AuthenticationMethod", "AuthHeader", "x-amz-id-2", records.alnum(60),
                        "bytesTransferredOut", "PutObject".equals(operation) ? 0 : 1024 + random.nextInt(4096)))
                .resource("AWS::S3::Object", "arn:aws:s3:::" + bucket + "/" + key, null)
                .resource("AWS::S3::Bucket", "arn:aws:s3:::" + bucket, PROD);
        timeline.add("PutObject".equals(operation) ? event.write() : event);
    }

    private static Call kmsDecrypt(String context) {
        return Call.read("kms", "Decrypt", obj("encryptionAlgorithm", "SYMMETRIC_DEFAULT",
                "encryptionContext", obj("service", context)));
    }

    private List<Call> pick(List<Call> catalog, int count) {
        List<Call> shuffled = new ArrayList<>(catalog);
        Collections.shuffle(shuffled, random);
        return shuffled.subList(0, Math.min(count, shuffled.size()));
    }

    private boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    private Instant at(LocalDate date, int fromHour, int toHour) {
        long seconds = fromHour * 3600L + random.nextInt((toHour - fromHour) * 3600);
        return date.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(seconds);
    }

    private Instant later(Instant time, int minSeconds, int maxSeconds) {
        return time.plusSeconds(minSeconds + random.nextInt(maxSeconds - minSeconds + 1));
    }

    private static Instant created(Actor session) {
        return Instant.parse(session.userIdentity().path("sessionContext").path("attributes").path("creationDate")
                .asText());
    }

    private static String date(Instant time) {
        return time.atZone(ZoneOffset.UTC).toLocalDate().toString().replace('-', '/').substring(5);
    }
}
