package dev.trailwatch.detector.detect.baseline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import java.time.Instant;

/** Real-shaped CloudTrail records for the baseline detections: who calls what, where, in which account. */
final class BaselineEvents {

    static final String ACCOUNT = TestEvents.ACCOUNT;

    private BaselineEvents() {
    }

    /** Alice (an IAM user of {@code account}) calls {@code service} in {@code region}. */
    static TestEvents call(String account, String service, String eventName, String region, Instant time) {
        TestEvents event = TestEvents.event(service, eventName, time);
        ObjectNode id = event.json().with("userIdentity");
        id.put("arn", "arn:aws:iam::" + account + ":user/alice");
        id.put("accountId", account);
        return event.set("awsRegion", region).set("recipientAccountId", account);
    }

    static TestEvents ec2(String region, Instant time) {
        return call(ACCOUNT, "ec2.amazonaws.com", "DescribeInstances", region, time);
    }

    static TestEvents runInstances(String region, Instant time) {
        return call(ACCOUNT, "ec2.amazonaws.com", "RunInstances", region, time);
    }

    /** A role session of {@code roleAccount} calling into {@code account}. */
    static TestEvents assumedRoleOf(String roleAccount, TestEvents event) {
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLEROLE00001:deploy");
        id.put("arn", "arn:aws:sts::" + roleAccount + ":assumed-role/deployer/deploy");
        id.put("accountId", roleAccount);
        id.put("accessKeyId", "ASIAEXAMPLEKEY000001");
        ObjectNode issuer = id.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("principalId", "AROAEXAMPLEROLE00001");
        issuer.put("arn", "arn:aws:iam::" + roleAccount + ":role/deployer");
        issuer.put("accountId", roleAccount);
        issuer.put("userName", "deployer");
        return event;
    }

    /** Another account's caller as the target account's trail records it (type AWSAccount). */
    static TestEvents awsAccountCaller(String callerAccount, TestEvents event) {
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "AWSAccount");
        id.put("principalId", "AIDAEXAMPLEOUTSIDER1");
        id.put("accountId", callerAccount);
        return event;
    }

    /** AssumeRole into {@code account}'s role by a caller of {@code callerAccount}. */
    static TestEvents assumeRoleBy(String callerAccount, String account, Instant time) {
        TestEvents event = call(account, "sts.amazonaws.com", "AssumeRole", "us-east-1", time);
        event.json().with("requestParameters").put("roleArn", "arn:aws:iam::" + account + ":role/partner-access");
        event.json().with("requestParameters").put("roleSessionName", "session");
        return awsAccountCaller(callerAccount, event);
    }

    /** An AWS service acting (type AWSService). */
    static TestEvents byAwsService(String service, TestEvents event) {
        ObjectNode id = event.json().putObject("userIdentity");
        id.put("type", "AWSService");
        id.put("invokedBy", service);
        return event;
    }

    /** Alice's call made for her by an AWS service (CloudFormation, say). */
    static TestEvents invokedBy(String service, TestEvents event) {
        event.json().with("userIdentity").put("invokedBy", service);
        return event;
    }

    static TestEvents serviceEvent(TestEvents event) {
        return byAwsService("organizations.amazonaws.com", event).set("eventType", "AwsServiceEvent");
    }

    static TestEvents readOnly(TestEvents event, boolean readOnly) {
        event.json().put("readOnly", readOnly);
        return event;
    }
}
