package dev.trailwatch.detector.samples;

import static dev.trailwatch.detector.samples.CloudTrailRecords.array;
import static dev.trailwatch.detector.samples.CloudTrailRecords.items;
import static dev.trailwatch.detector.samples.CloudTrailRecords.obj;
import static dev.trailwatch.detector.samples.Org.AP_SOUTHEAST_2;
import static dev.trailwatch.detector.samples.Org.ATTACKER_IP;
import static dev.trailwatch.detector.samples.Org.FIREFOX_LINUX;
import static dev.trailwatch.detector.samples.Org.PROD;
import static dev.trailwatch.detector.samples.Org.SECURITY;
import static dev.trailwatch.detector.samples.Org.US_EAST_1;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.samples.Org.Role;
import dev.trailwatch.detector.samples.Org.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The intrusion hidden in the background, on day eight (Monday 2025-03-10) and the morning after. Each step is one
 * thing a detector should notice; {@link #steps()} lists them with their records' event ids.
 */
final class AttackStory {

    /** One step of the story: what happened, and the records that show it. */
    record Step(String id, String summary, List<ObjectNode> records) {
        Instant first() {
            return Instant.parse(records.get(0).path("eventTime").asText());
        }
    }

    static final Instant BRUTE_FORCE_START = Instant.parse("2025-03-10T14:02:05Z");
    static final Instant FIRST_NEW_REGION_CALL = Instant.parse("2025-03-11T03:17:09Z");

    private static final String OPEN_GROUP = "sg-0c2f4e6a8b1d3f5a7";

    private final Timeline timeline;
    private final Org org;
    private final CloudTrailRecords records;
    private final List<Step> steps = new ArrayList<>();

    AttackStory(Timeline timeline) {
        this.timeline = timeline;
        this.org = timeline.org();
        this.records = timeline.records();
    }

    List<Step> steps() {
        return steps;
    }

    void generate() {
        User bob = org.user(PROD, "bob");
        Actor bobConsole = bruteForce(bob);
        recon(bobConsole);
        Actor ops = switchRole(bob, Instant.parse("2025-03-10T14:11:37Z"));
        String newKey = persistence(ops);
        foreignAccess();
        rootStopsTheOrgTrail();
        newRegion(org.user(PROD, "svc-deploy"), newKey);
    }

    /** (a) Twelve failed sign-ins against several names from one address in under three minutes, then bob's. */
    private Actor bruteForce(User bob) {
        String[] attempts = {null, null, "alice", "bob", "carol", null, "alice", null, "bob", null, "carol", "bob"};
        List<ObjectNode> failures = new ArrayList<>();
        Instant t = BRUTE_FORCE_START;
        for (String name : attempts) {
            failures.add(name == null
                    ? timeline.failedLoginUnknownUser(t, PROD, ATTACKER_IP, FIREFOX_LINUX)
                    : timeline.consoleLogin(t, org.user(PROD, name), ATTACKER_IP, FIREFOX_LINUX, false, false));
            t = t.plusSeconds(13 + failures.size() % 4);
        }
        steps.add(new Step("failed-console-login-burst", "12 failed ConsoleLogin from " + ATTACKER_IP
                + " against alice, bob, carol and unknown names", failures));
        Instant signIn = Instant.parse("2025-03-10T14:05:31Z");
        steps.add(new Step("console-login-without-mfa", "bob signs in from " + ATTACKER_IP + " without MFA",
                List.of(timeline.consoleLogin(signIn, bob, ATTACKER_IP, FIREFOX_LINUX, true, false))));
        Actor console = org.console(bob, signIn, false);
        return console.from(ATTACKER_IP, FIREFOX_LINUX);
    }

    /** (e) 25 calls in under four minutes, each denied: the attacker maps what bob may do. */
    private void recon(Actor bob) {
        List<ObjectNode> denied = new ArrayList<>();
        Instant t = Instant.parse("2025-03-10T14:07:03Z");
        for (Call call : Call.reconnaissance()) {
            denied.add(timeline.denied(t, bob, PROD, US_EAST_1, call));
            t = t.plusSeconds(7 + denied.size() % 5);
        }
        steps.add(new Step("access-denied-burst", "25 AccessDenied / UnauthorizedOperation calls by bob", denied));
    }

    /** bob's console switches into OpsAdmin, whose trust policy lets any principal of the account in. */
    private Actor switchRole(User bob, Instant time) {
        Role opsAdmin = org.role(PROD, "OpsAdmin");
        ObjectNode identity = obj("type", "IAMUser", "principalId", bob.principalId(), "arn", bob.arn(),
                "accountId", PROD, "userName", bob.name());
        timeline.add(records.event(time, new Actor("bob", identity, ATTACKER_IP, FIREFOX_LINUX, false), PROD,
                US_EAST_1, "signin.amazonaws.com", "SwitchRole").consoleSignIn()
                .response(obj("SwitchRole", "Success"))
                .additional(obj("SwitchFrom", bob.arn(), "RedirectTo",
                        "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1")));
        Actor session = org.session(opsAdmin, "bob", time, ATTACKER_IP, FIREFOX_LINUX, false, null);
        return new Actor(session.name(), session.userIdentity(), ATTACKER_IP, FIREFOX_LINUX, true);
    }

    /** (c) SSH open to the world, (f) a key for another user, and a trust policy that lets a foreign account in. */
    private String persistence(Actor ops) {
        Instant t = Instant.parse("2025-03-10T14:12:15Z");
        ObjectNode sshRule = obj("ipProtocol", "tcp", "fromPort", 22, "toPort", 22, "groups", obj(),
                "ipRanges", items(obj("cidrIp", "0.0.0.0/0")), "ipv6Ranges", obj(), "prefixListIds", obj());
        ObjectNode ingress = timeline.call(t, ops, PROD, US_EAST_1, Call.write("ec2", "AuthorizeSecurityGroupIngress",
                obj("groupId", OPEN_GROUP, "ipPermissions", items(sshRule))));
        ingress.set("responseElements", obj("requestId", ingress.path("requestID").asText(), "_return", true,
                "securityGroupRuleSet", items(obj("groupOwnerId", PROD, "groupId", OPEN_GROUP,
                        "securityGroupRuleId", "sgr-0" + records.hex(16), "isEgress", false, "ipProtocol", "tcp",
                        "fromPort", 22, "toPort", 22, "cidrIpv4", "0.0.0.0/0"))));
        steps.add(new Step("security-group-open-to-world", "OpsAdmin/bob opens tcp/22 on " + OPEN_GROUP
                + " to 0.0.0.0/0", List.of(ingress)));

        Instant k = Instant.parse("2025-03-10T14:13:02Z");
        String newKey = records.accessKeyId("AKIA");
        ObjectNode createKey = timeline.call(k, ops, PROD, US_EAST_1, Call.write("iam", "CreateAccessKey",
                obj("userName", "svc-deploy")));
        createKey.set("responseElements", obj("accessKey", obj("accessKeyId", newKey, "status", "Active",
                "userName", "svc-deploy", "createDate", CloudTrailRecords.expiration(k))));
        steps.add(new Step("access-key-for-another-user", "OpsAdmin/bob creates access key " + newKey
                + " for svc-deploy", List.of(createKey)));

        Role deployer = org.role(PROD, "ci-deployer");
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":["
                + "\"arn:aws:iam::" + PROD + ":user/svc-deploy\",\"arn:aws:iam::" + Org.FOREIGN + ":root\"]},"
                + "\"Action\":\"sts:AssumeRole\"}]}";
        ObjectNode trustChange = timeline.call(Instant.parse("2025-03-10T14:14:48Z"), ops, PROD, US_EAST_1,
                Call.write("iam", "UpdateAssumeRolePolicy", obj("roleName", deployer.name(), "policyDocument", trust)));
        steps.add(new Step("role-trust-opened", "OpsAdmin/bob lets account " + Org.FOREIGN + " assume ci-deployer",
                List.of(trustChange)));
        return newKey;
    }

    /** (g) A role session of a foreign account assumes ci-deployer and lists the buckets. */
    private void foreignAccess() {
        Instant t = Instant.parse("2025-03-10T14:21:33Z");
        Actor outsider = org.session(org.role(Org.FOREIGN, "xfer-automation"), "sync-7731", t.minusSeconds(91),
                Org.FOREIGN_IP, Org.cliAgent("sts.assume-role"), false, null);
        Actor inside = timeline.assumeRole(t, outsider, org.role(PROD, "ci-deployer"), "sync", Org.FOREIGN_IP,
                Org.cliAgent("s3api.list-buckets"), null);
        List<ObjectNode> events = timeline.events();
        ObjectNode assume = events.get(events.size() - 1);
        ObjectNode list = timeline.call(t.plusSeconds(36), inside, PROD, US_EAST_1, Call.read("s3", "ListBuckets",
                obj("Host", "s3.amazonaws.com")));
        steps.add(new Step("foreign-account-access", "a session of account " + Org.FOREIGN
                + " (xfer-automation) assumes ci-deployer", List.of(assume, list)));
    }

    /** (b) The management account's root user signs in without MFA and (d) stops the organization trail. */
    private void rootStopsTheOrgTrail() {
        Instant signIn = Instant.parse("2025-03-10T15:02:10Z");
        ObjectNode root = obj("type", "Root", "principalId", SECURITY, "arn", "arn:aws:iam::" + SECURITY + ":root",
                "accountId", SECURITY, "accessKeyId", "");
        ObjectNode login = timeline.consoleLogin(signIn, root, SECURITY, ATTACKER_IP, FIREFOX_LINUX, true, null);
        steps.add(new Step("root-console-login", "root of " + SECURITY + " signs in from " + ATTACKER_IP
                + " without MFA", List.of(login)));
        Actor rootConsole = new Actor("root", CloudTrailRecords.root(SECURITY, records.accessKeyId("ASIA"), signIn),
                ATTACKER_IP, FIREFOX_LINUX, true);
        ObjectNode look = timeline.call(Instant.parse("2025-03-10T15:03:25Z"), rootConsole, SECURITY, US_EAST_1,
                Call.read("cloudtrail", "DescribeTrails", obj("includeShadowTrails", true)));
        ObjectNode stop = timeline.call(Instant.parse("2025-03-10T15:04:44Z"), rootConsole, SECURITY, US_EAST_1,
                Call.write("cloudtrail", "StopLogging", obj("name", Call.ORG_TRAIL)));
        steps.add(new Step("cloudtrail-logging-stopped", "root stops the organization trail " + Call.ORG_TRAIL,
                List.of(look, stop)));
    }

    /** (h) Next night the new key is used in a region the account never used, to start mining instances. */
    private void newRegion(User deploy, String newKey) {
        Actor attacker = new Actor("svc-deploy", CloudTrailRecords.iamUser(PROD, deploy.name(), deploy.principalId(),
                newKey), ATTACKER_IP, Org.cliAgent("sts.get-caller-identity"), false);
        Instant t = FIRST_NEW_REGION_CALL;
        List<ObjectNode> calls = new ArrayList<>();
        calls.add(timeline.call(t, attacker, PROD, AP_SOUTHEAST_2, Call.read("sts", "GetCallerIdentity")));
        calls.add(timeline.call(t.plusSeconds(32), attacker.from(ATTACKER_IP, Org.cliAgent("ec2.describe-instances")),
                PROD, AP_SOUTHEAST_2, Call.read("ec2", "DescribeInstances", obj("instancesSet", obj(),
                        "filterSet", obj()))));
        calls.add(timeline.call(t.plusSeconds(56), attacker.from(ATTACKER_IP, Org.cliAgent(
                "ec2.describe-security-groups")), PROD, AP_SOUTHEAST_2, Call.read("ec2", "DescribeSecurityGroups",
                obj("securityGroupSet", obj(), "securityGroupIdSet", obj(), "filterSet", obj()))));
        ObjectNode run = timeline.call(t.plusSeconds(123), attacker.from(ATTACKER_IP, Org.cliAgent(
                "ec2.run-instances")), PROD, AP_SOUTHEAST_2, Call.write("ec2", "RunInstances", obj(
                "instancesSet", items(obj("imageId", "ami-0b6c2d49148000cd5", "minCount", 4, "maxCount", 4)),
                "instanceType", "c5.4xlarge", "blockDeviceMapping", obj(), "monitoring", obj("enabled", false),
                "disableApiTermination", false, "disableApiStop", false, "clientToken", records.uuid())));
        ArrayNode instances = array();
        for (int i = 0; i < 4; i++) {
            instances.add(obj("instanceId", "i-0" + records.hex(16), "imageId", "ami-0b6c2d49148000cd5",
                    "instanceState", obj("code", 0, "name", "pending"), "instanceType", "c5.4xlarge",
                    "placement", obj("availabilityZone", "ap-southeast-2a", "tenancy", "default")));
        }
        ObjectNode launched = obj("items", instances);
        run.set("responseElements", obj("requestId", run.path("requestID").asText(), "reservationId",
                "r-0" + records.hex(16), "ownerId", PROD, "groupSet", obj(), "instancesSet", launched));
        calls.add(run);
        steps.add(new Step("first-use-of-region", "svc-deploy's new key is used in ap-southeast-2, never used before,"
                + " and starts 4 c5.4xlarge instances", calls));
        ObjectNode quota = timeline.call(t.plusSeconds(171), attacker.from(ATTACKER_IP, Org.cliAgent(
                "service-quotas.request-service-quota-increase")), PROD, AP_SOUTHEAST_2,
                Call.write("servicequotas", "RequestServiceQuotaIncrease", obj("serviceCode", "ec2",
                        "quotaCode", "L-1216C47A", "desiredValue", 512.0)));
        steps.add(new Step("first-use-of-service", "svc-deploy asks Service Quotas, never used in prod, for 512 "
                + "on-demand vCPUs in ap-southeast-2", List.of(quota)));
    }
}
