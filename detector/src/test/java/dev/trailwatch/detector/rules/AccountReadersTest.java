package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.AccountReader.Grantee;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each API's way of naming grantees, read into accounts that can be checked against the declared organization. */
class AccountReadersTest {

    private static final String BACKUP = "444455556666";
    private static final Organization DECLARED = Set.of(BACKUP)::contains;

    private final AccountReader snapshots = AccountReaders.named("snapshot-grantees").orElseThrow();
    private final AccountReader trust = AccountReaders.named("trust-policy-principals").orElseThrow();
    private final AccountReader permission = AccountReaders.named("lambda-permission-principal").orElseThrow();
    private final AccountReader layers = AccountReaders.named("layer-publishers").orElseThrow();

    private static CloudTrailEvent ami(String items) {
        return TestEvents.call("ec2.amazonaws.com", "ModifyImageAttribute", """
                {"imageId": "ami-0abcdef1234567890", "attributeType": "launchPermission",
                 "launchPermission": {"add": {"items": [%s]}}}""".formatted(items));
    }

    private static CloudTrailEvent trustPolicy(String principal) {
        return TestEvents.call("iam.amazonaws.com", "UpdateAssumeRolePolicy", """
                {"roleName": "ops", "policyDocument": "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\
                \\"Allow\\",\\"Principal\\":%s,\\"Action\\":\\"sts:AssumeRole\\"}]}"}"""
                .formatted(principal.replace("\"", "\\\"")));
    }

    @Test
    void readsTheManagementAccountOfAnOrganizationOrOuArn() {
        CloudTrailEvent event = ami("{\"organizationArn\": \"arn:aws:organizations::444455556666:organization/"
                + "o-a1b2c3d4e5\"}, {\"organizationalUnitArn\": \"arn:aws:organizations::999988887777:ou/"
                + "o-zz9y8x7w6v/ou-ab12-cd34ef56\"}");

        assertThat(snapshots.grantees(event)).extracting(Grantee::accountId).containsExactly(BACKUP, "999988887777");
        assertThat(snapshots.insideOrganization(event, DECLARED)).isFalse();
        assertThat(snapshots.outsideOrganization(event, DECLARED)).containsExactly(
                "arn:aws:organizations::444455556666:organization/o-a1b2c3d4e5",
                "arn:aws:organizations::999988887777:ou/o-zz9y8x7w6v/ou-ab12-cd34ef56");
    }

    @Test
    void anOrganizationIsNeverInsideEvenWhenItsArnNamesTheSharingAccount() {
        // the caller writes the ARN, its 12 digits included: o-attacker99 need not be this account's organization
        CloudTrailEvent event = ami("{\"organizationArn\": \"arn:aws:organizations::111122223333:organization/"
                + "o-attacker99\"}");

        assertThat(snapshots.insideOrganization(event, Organization.NONE)).isFalse();
        assertThat(snapshots.insideOrganization(event, DECLARED)).isFalse();
    }

    @Test
    void readsEveryFieldOfAPermissionItem() {
        CloudTrailEvent event = ami("{\"userId\": \"444455556666\", \"organizationArn\": "
                + "\"arn:aws:organizations::999988887777:organization/o-evil12345\"}");

        assertThat(snapshots.grantees(event)).extracting(Grantee::shown).containsExactly("444455556666",
                "arn:aws:organizations::999988887777:organization/o-evil12345");
        assertThat(snapshots.insideOrganization(event, DECLARED)).isFalse();
    }

    @Test
    void everyoneIsNeverInsideNorListedAsAnAccount() {
        CloudTrailEvent event = ami("{\"group\": \"all\"}, {\"userId\": \"444455556666\"}");

        assertThat(snapshots.insideOrganization(event, DECLARED)).isFalse();
        assertThat(snapshots.outsideOrganization(event, DECLARED)).isEmpty();
    }

    @Test
    void readsTrustPrincipalsAsIdsArnsAndListsAndLeavesServicesOut() {
        CloudTrailEvent event = trustPolicy("{\"AWS\": [\"444455556666\", \"arn:aws:iam::111122223333:role/ci\"],"
                + " \"Service\": \"lambda.amazonaws.com\"}");

        assertThat(trust.grantees(event)).extracting(Grantee::accountId).containsExactly(BACKUP, "111122223333");
        assertThat(trust.insideOrganization(event, DECLARED)).isTrue();
        assertThat(trust.insideOrganization(event, Organization.NONE)).isFalse();
    }

    @Test
    void theAccountItselfAloneIsNoShareInsideTheOrganization() {
        CloudTrailEvent event = trustPolicy("{\"AWS\": \"arn:aws:iam::111122223333:user/mallory\"}");

        assertThat(trust.insideOrganization(event, DECLARED)).isFalse();
        assertThat(trust.outsideOrganization(event, DECLARED)).isEmpty();
    }

    @Test
    void aPrincipalStarOrAnIdentityProviderIsNeverInside() {
        assertThat(trust.insideOrganization(trustPolicy("\"*\""), DECLARED)).isFalse();
        assertThat(trust.insideOrganization(trustPolicy("{\"AWS\": \"444455556666\", \"Federated\":"
                + " \"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"}"), DECLARED))
                .isFalse();
    }

    @Test
    void readsLambdaPrincipalsAndLayerPublishers() {
        CloudTrailEvent grant = TestEvents.call("lambda.amazonaws.com", "AddPermission20150331v2", """
                {"functionName": "orders-api", "statementId": "ci", "action": "lambda:InvokeFunction",
                 "principal": "arn:aws:iam::444455556666:role/ci"}""");
        CloudTrailEvent layer = TestEvents.call("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", """
                {"functionName": "orders-api", "layers": ["arn:aws:lambda:us-east-1:444455556666:layer:otel:7",
                 "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:52"]}""");

        assertThat(permission.insideOrganization(grant, DECLARED)).isTrue();
        assertThat(layers.insideOrganization(layer, DECLARED)).isFalse();
        assertThat(layers.outsideOrganization(layer, DECLARED))
                .containsExactly("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:52");
    }
}
