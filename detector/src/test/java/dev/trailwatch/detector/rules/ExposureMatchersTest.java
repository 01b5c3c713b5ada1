package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExposureMatchersTest {

    private final RequestMatcher bucketPolicy = RequestMatchers.named("bucket-policy-public").orElseThrow();
    private final RequestMatcher bucketAcl = RequestMatchers.named("bucket-acl-public").orElseThrow();
    private final RequestMatcher resourcePolicy = RequestMatchers.named("resource-policy-public").orElseThrow();
    private final RequestMatcher block = RequestMatchers.named("public-access-block-disabled").orElseThrow();

    private static CloudTrailEvent bucketPolicy(String statement) {
        return TestEvents.call("s3.amazonaws.com", "PutBucketPolicy", """
                {"bucketName": "reports", "bucketPolicy": {"Version": "2012-10-17", "Statement": [%s]}}"""
                .formatted(statement));
    }

    @Test
    void alertsOnBucketPoliciesForEveryone() {
        String star = "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}";
        String awsStar = "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"*\"]}, \"Action\": \"s3:*\"}";

        assertThat(bucketPolicy.matches(bucketPolicy(star))).isTrue();
        assertThat(bucketPolicy.matches(bucketPolicy(awsStar))).isTrue();
        assertThat(bucketPolicy.evidence(bucketPolicy(star))).extractingByKey("publicStatements")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(1);
    }

    @Test
    void staysQuietForDeniesNamedAccountsAndRestrictingConditions() {
        String deny = "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\"}";
        String account = "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::444455556666:root\"}}";
        String vpce = "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Condition\": {\"StringEquals\": "
                + "{\"aws:SourceVpce\": \"vpce-0a1b2c3d4e5f6a7b8\"}}}";

        assertThat(bucketPolicy.matches(bucketPolicy(deny))).isFalse();
        assertThat(bucketPolicy.matches(bucketPolicy(account))).isFalse();
        assertThat(bucketPolicy.matches(bucketPolicy(vpce))).isFalse();
    }

    @Test
    void alertsOnPublicBucketAcls() {
        CloudTrailEvent grant = TestEvents.call("s3.amazonaws.com", "PutBucketAcl", """
                {"bucketName": "reports", "AccessControlPolicy": {"AccessControlList": {"Grant": [{"Grantee":
                 {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
                 "Permission": "READ"}]}}}""");
        CloudTrailEvent header = TestEvents.call("s3.amazonaws.com", "PutBucketAcl",
                "{\"bucketName\": \"reports\", \"x-amz-grant-read\": [\"uri=http://acs.amazonaws.com/groups/global/AllUsers\"]}");
        CloudTrailEvent canned = TestEvents.call("s3.amazonaws.com", "PutBucketAcl",
                "{\"bucketName\": \"reports\", \"x-amz-acl\": [\"public-read-write\"]}");
        CloudTrailEvent privateAcl = TestEvents.call("s3.amazonaws.com", "PutBucketAcl",
                "{\"bucketName\": \"reports\", \"x-amz-acl\": [\"private\"]}");

        assertThat(List.of(grant, header, canned)).allMatch(bucketAcl::matches);
        assertThat(bucketAcl.matches(privateAcl)).isFalse();
    }

    @Test
    void alertsOnPublicResourcePoliciesInJsonStrings() {
        CloudTrailEvent sqs = TestEvents.call("sqs.amazonaws.com", "SetQueueAttributes", """
                {"queueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/q", "attributes": {"Policy":
                 "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"SQS:SendMessage\\"}]}"}}""");
        CloudTrailEvent glacier = TestEvents.call("glacier.amazonaws.com", "SetVaultAccessPolicy", """
                {"vaultName": "v", "policy": {"policy":
                 "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"*\\"}}]}"}}""");
        CloudTrailEvent lambda = TestEvents.call("lambda.amazonaws.com", "AddPermission20150331v2",
                "{\"functionName\": \"f\", \"action\": \"lambda:InvokeFunction\", \"principal\": \"*\"}");

        assertThat(List.of(sqs, glacier, lambda)).allMatch(resourcePolicy::matches);
    }

    @Test
    void staysQuietForTheDefaultSnsPolicyLimitedToTheOwner() {
        CloudTrailEvent sns = TestEvents.call("sns.amazonaws.com", "SetTopicAttributes", """
                {"topicArn": "arn:aws:sns:us-east-1:111122223333:t", "attributeName": "Policy", "attributeValue":
                 "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"*\\"},\\"Action\\":\\"SNS:Publish\\",\
                   \\"Condition\\":{\\"StringEquals\\":{\\"AWS:SourceOwner\\":\\"111122223333\\"}}}]}"}""");

        assertThat(resourcePolicy.matches(sns)).isFalse();
    }

    @Test
    void alertsWhenBlockPublicAccessIsDeletedOrAFlagIsOff() {
        CloudTrailEvent deleted = TestEvents.call("s3.amazonaws.com", "DeleteBucketPublicAccessBlock",
                "{\"bucketName\": \"reports\"}");
        CloudTrailEvent partly = TestEvents.call("s3.amazonaws.com", "PutAccountPublicAccessBlock", """
                {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true,
                 "BlockPublicPolicy": false}}""");

        assertThat(block.matches(deleted)).isTrue();
        assertThat(block.evidence(deleted)).extractingByKey("disabledFlags")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(4);
        assertThat(block.matches(partly)).isTrue();
        assertThat(block.evidence(partly))
                .containsEntry("disabledFlags", List.of("BlockPublicPolicy", "RestrictPublicBuckets"));
    }

    @Test
    void staysQuietWhenEveryBlockFlagIsOn() {
        CloudTrailEvent on = TestEvents.call("s3.amazonaws.com", "PutBucketPublicAccessBlock", """
                {"bucketName": "reports", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true,
                 "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}""");

        assertThat(block.matches(on)).isFalse();
    }

    private final RequestMatcher trustPublic = RequestMatchers.named("trust-policy-public").orElseThrow();
    private final RequestMatcher resourcePublic = RequestMatchers.named("resource-policy-public").orElseThrow();

    @Test
    void alertsWhenATrustPolicyLetsAnyoneAssumeTheRole() {
        String everyone = "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\","
                + "\\\"Principal\\\":{\\\"AWS\\\":\\\"*\\\"},\\\"Action\\\":\\\"sts:AssumeRole\\\","
                + "\\\"Condition\\\":{\\\"StringEquals\\\":{\\\"sts:ExternalId\\\":\\\"12345\\\"}}}]}";
        assertThat(trustPublic.matches(TestEvents.call("iam.amazonaws.com", "UpdateAssumeRolePolicy",
                "{\"roleName\": \"ops\", \"policyDocument\": \"" + everyone + "\"}"))).isTrue();
        assertThat(trustPublic.matches(TestEvents.call("iam.amazonaws.com", "CreateRole",
                "{\"roleName\": \"ops\", \"assumeRolePolicyDocument\": \"" + everyone + "\"}"))).isTrue();
    }

    @Test
    void staysQuietForTrustInAServiceOrOneAccount() {
        String account = "{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":"
                + "{\\\"AWS\\\":\\\"arn:aws:iam::193672423079:root\\\"},\\\"Action\\\":\\\"sts:AssumeRole\\\"}]}";
        assertThat(trustPublic.matches(TestEvents.call("iam.amazonaws.com", "UpdateAssumeRolePolicy",
                "{\"roleName\": \"ops\", \"policyDocument\": \"" + account + "\"}"))).isFalse();
    }

    private final RequestMatcher trustOther = RequestMatchers.named("trust-policy-other-account").orElseThrow();

    private static String trust(String principal) {
        return "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\","
                + "\\\"Principal\\\":" + principal.replace("\"", "\\\"") + ",\\\"Action\\\":\\\"sts:AssumeRole\\\"}]}";
    }

    @Test
    void trustInAnotherAccountIsNamedWithItsAccount() {
        CloudTrailEvent outside = TestEvents.call("iam.amazonaws.com", "CreateRole",
                "{\"roleName\": \"ops\", \"assumeRolePolicyDocument\": \""
                        + trust("{\"AWS\": [\"arn:aws:iam::111122223333:role/ci\", \"arn:aws:iam::193672423079:root\"]}")
                        + "\"}");
        assertThat(trustOther.matches(outside)).isTrue();
        assertThat(trustOther.evidence(outside)).containsEntry("otherAccounts", List.of("193672423079"));
        assertThat(trustOther.matches(TestEvents.call("iam.amazonaws.com", "UpdateAssumeRolePolicy",
                "{\"roleName\": \"ops\", \"policyDocument\": \"" + trust("{\"AWS\": \"444455556666\"}") + "\"}")))
                .isTrue();
    }

    @Test
    void trustInAServiceTheSameAccountOrAnIdentityProviderNamesNoOtherAccount() {
        for (String principal : List.of("{\"Service\": \"lambda.amazonaws.com\"}",
                "{\"AWS\": \"arn:aws:iam::111122223333:root\"}",
                "{\"Federated\": \"arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com\"}",
                "{\"AWS\": \"AROADBQP57FF2AEXAMPLE\"}", "\"*\"")) {
            assertThat(trustOther.matches(TestEvents.call("iam.amazonaws.com", "CreateRole",
                    "{\"roleName\": \"app\", \"assumeRolePolicyDocument\": \"" + trust(principal) + "\"}")))
                    .as(principal).isFalse();
        }
    }

    @Test
    void lambdaGrantToEveryoneNarrowedBySourceIsNotPublic() {
        assertThat(resourcePublic.matches(TestEvents.call("lambda.amazonaws.com", "AddPermission20150331v2",
                "{\"functionName\": \"f\", \"principal\": \"*\", \"action\": \"lambda:InvokeFunction\"}")))
                .isTrue();
        assertThat(resourcePublic.matches(TestEvents.call("lambda.amazonaws.com", "AddPermission20150331v2",
                "{\"functionName\": \"f\", \"principal\": \"*\", \"action\": \"lambda:InvokeFunction\","
                        + " \"principalOrgID\": \"o-a1b2c3d4e5\"}"))).isFalse();
    }
}
