package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import org.junit.jupiter.api.Test;

class IdentityMatchersTest {

    private static final String ROLE = """
            {"type": "AssumedRole", "principalId": "AROAJ2UCCR6DPCEXAMPLE:jane",
             "arn": "arn:aws:sts::111122223333:assumed-role/Admin/jane", "accountId": "111122223333"}""";

    private final RequestMatcher admin = RequestMatchers.named("admin-policy-attached").orElseThrow();
    private final RequestMatcher adminDocument = RequestMatchers.named("policy-grants-admin").orElseThrow();
    private final RequestMatcher accessKey = RequestMatchers.named("access-key-for-other-user").orElseThrow();
    private final RequestMatcher loginProfile = RequestMatchers.named("login-profile-for-other-user").orElseThrow();

    private static CloudTrailEvent attach(String eventName, String policyArn) {
        return TestEvents.call("iam.amazonaws.com", eventName,
                "{\"roleName\": \"app\", \"policyArn\": \"" + policyArn + "\"}");
    }

    @Test
    void alertsWhenAdministratorAccessIsAttached() {
        CloudTrailEvent event = attach("AttachRolePolicy", "arn:aws:iam::aws:policy/AdministratorAccess");

        assertThat(admin.matches(event)).isTrue();
        assertThat(admin.evidence(event)).containsEntry("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess");
    }

    @Test
    void staysQuietForOtherPoliciesAndForDetaching() {
        assertThat(admin.matches(attach("AttachRolePolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess"))).isFalse();
        assertThat(admin.matches(attach("DetachRolePolicy", "arn:aws:iam::aws:policy/AdministratorAccess")))
                .isFalse();
    }

    @Test
    void alertsWhenAPolicyDocumentAllowsEverything() {
        CloudTrailEvent json = TestEvents.call("iam.amazonaws.com", "PutUserPolicy", """
                {"userName": "bob", "policyName": "x", "policyDocument":
                 "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":{\\"Effect\\":\\"Allow\\",\\"Action\\":[\\"*\\"],\\"Resource\\":\\"*\\"}}"}""");
        CloudTrailEvent urlEncoded = TestEvents.call("iam.amazonaws.com", "CreatePolicyVersion", """
                {"policyArn": "arn:aws:iam::111122223333:policy/x", "setAsDefault": true, "policyDocument":
                 "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"}""");

        assertThat(adminDocument.matches(json)).isTrue();
        assertThat(adminDocument.matches(urlEncoded)).isTrue();
    }

    @Test
    void readsThePolicyAnIdentityCenterPermissionSetIsGiven() {
        CloudTrailEvent everything = TestEvents.call("sso.amazonaws.com", "PutInlinePolicyToPermissionSet", """
                {"instanceArn": "arn:aws:sso:::instance/ssoins-72233af8ea2d1f14",
                 "permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e",
                 "inlinePolicy": "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"*\\",\\"Resource\\":\\"*\\"}]}"}""");
        CloudTrailEvent scoped = TestEvents.call("sso.amazonaws.com", "PutInlinePolicyToPermissionSet", """
                {"instanceArn": "arn:aws:sso:::instance/ssoins-72233af8ea2d1f14",
                 "permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e",
                 "inlinePolicy": "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"s3:GetObject\\",\\"Resource\\":\\"*\\"}]}"}""");

        assertThat(adminDocument.matches(everything)).isTrue();
        assertThat(adminDocument.evidence(everything)).containsKey("adminStatements");
        assertThat(adminDocument.matches(scoped)).isFalse();
    }

    @Test
    void staysQuietForScopedOrDenyingDocuments() {
        CloudTrailEvent scoped = TestEvents.call("iam.amazonaws.com", "PutUserPolicy", """
                {"userName": "bob", "policyName": "x", "policyDocument":
                 "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"*\\",\\"Resource\\":\\"arn:aws:s3:::b/*\\"},\
                   {\\"Effect\\":\\"Deny\\",\\"Action\\":\\"*\\",\\"Resource\\":\\"*\\"}]}"}""");

        assertThat(adminDocument.matches(scoped)).isFalse();
    }

    @Test
    void alertsWhenAUserCreatesAKeyForSomeoneElse() {
        CloudTrailEvent event = TestEvents.call("iam.amazonaws.com", "CreateAccessKey", "{\"userName\": \"ci\"}");

        assertThat(accessKey.matches(event)).isTrue();
        assertThat(accessKey.evidence(event)).containsEntry("targetUser", "ci");
    }

    @Test
    void staysQuietWhenAUserCreatesTheirOwnKey() {
        assertThat(accessKey.matches(TestEvents.call("iam.amazonaws.com", "CreateAccessKey", null))).isFalse();
        assertThat(accessKey.matches(TestEvents.call("iam.amazonaws.com", "CreateAccessKey",
                "{\"userName\": \"alice\"}"))).isFalse();
    }

    @Test
    void treatsRolesNamingAUserAsActingOnSomeoneElse() {
        CloudTrailEvent event = TestEvents.as(TestEvents.record("iam.amazonaws.com", "UpdateLoginProfile",
                "{\"userName\": \"alice\", \"passwordResetRequired\": false}"), ROLE);

        assertThat(loginProfile.matches(event)).isTrue();
    }
}
