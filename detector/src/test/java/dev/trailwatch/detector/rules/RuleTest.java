package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The behaviour of one loaded rule: match, severity with escalations and lowerings, rendered text and evidence. */
class RuleTest {

    private final RulePack pack = RulePack.load(null);
    private final Rule securityGroups = pack.rule("security-group-changed").orElseThrow();

    private static CloudTrailEvent ingress(String cidr) {
        return TestEvents.call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", """
                {"groupId": "sg-0a1b2c3d4e5f67890", "ipPermissions": {"items": [{"ipProtocol": "tcp",
                 "fromPort": 3389, "toPort": 3389, "ipRanges": {"items": [{"cidrIp": "%s"}]}}]}}""".formatted(cidr));
    }

    @Test
    void alertsAtTheBaseSeverityWhenNoEscalationHolds() {
        CloudTrailEvent office = ingress("198.51.100.0/24");

        assertThat(securityGroups.matches(office)).isTrue();
        assertThat(securityGroups.severityFor(office)).isEqualTo(Severity.MEDIUM);
        assertThat(securityGroups.evidence(office)).containsOnlyKeys("requestParameters.groupId",
                "requestParameters.ipPermissions");
    }

    @Test
    void alertsHighWithTheOpenedCidrAsEvidenceWhenOpenToTheWorld() {
        CloudTrailEvent world = ingress("0.0.0.0/0");

        assertThat(securityGroups.severityFor(world)).isEqualTo(Severity.HIGH);
        assertThat(securityGroups.renderTitle(world)).isEqualTo("Security group sg-0a1b2c3d4e5f67890 changed "
                + "(AuthorizeSecurityGroupIngress) by arn:aws:iam::111122223333:user/alice");
        assertThat(securityGroups.evidence(world)).containsKeys("requestParameters.groupId", "openCidrs")
                .containsEntry("openCidrs", List.of("0.0.0.0/0")).containsEntry("openPorts", List.of("tcp 3389"))
                .containsEntry("escalatedBy", List.of("HIGH: matcher ingress-open-to-world"))
                .doesNotContainValue(null);
        assertThat(List.copyOf(securityGroups.evidence(world).keySet()))
                .startsWith("requestParameters.groupId", "requestParameters.ipPermissions");
    }

    @Test
    void takesTheHighestEscalationThatHolds() {
        Rule rds = pack.rule("rds-instance-lifecycle").orElseThrow();
        CloudTrailEvent reboot = TestEvents.call("rds.amazonaws.com", "RebootDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\"}");
        CloudTrailEvent keep = TestEvents.call("rds.amazonaws.com", "DeleteDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\", \"skipFinalSnapshot\": false}");
        CloudTrailEvent destroy = TestEvents.call("rds.amazonaws.com", "DeleteDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\", \"skipFinalSnapshot\": true}");

        assertThat(List.of(reboot, keep, destroy)).extracting(rds::severityFor)
                .containsExactly(Severity.LOW, Severity.MEDIUM, Severity.HIGH);
    }

    @Test
    void aLoweringWinsOverTheEscalationsAndBothAreInTheEvidence() {
        Rule policies = pack.rule("iam-policy-changed").orElseThrow();
        ObjectNode record = TestEvents.record("iam.amazonaws.com", "AttachRolePolicy", """
                {"roleName": "AWSReservedSSO_AdministratorAccess_0b7c1d8e2f3a4b5c",
                 "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}""");
        record.set("userIdentity", TestEvents.tree("""
                {"type": "AssumedRole", "principalId": "AROAT7BCMNLMONEXAMPLE:AWS-SSO",
                 "arn": "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSSO/AWS-SSO",
                 "accountId": "111122223333", "accessKeyId": "ASIAT7BCMNLMEXAMPLE1",
                 "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAT7BCMNLMONEXAMPLE",
                   "arn": "arn:aws:iam::111122223333:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO",
                   "accountId": "111122223333", "userName": "AWSServiceRoleForSSO"}},
                 "invokedBy": "sso.amazonaws.com"}"""));
        CloudTrailEvent provisioning = TestEvents.parse(record);

        // AdministratorAccess provisioned by Identity Center: HIGH by the escalation, MEDIUM by the lowering that
        // holds (the one to LOW leaves AdministratorAccess out)
        assertThat(policies.severityFor(provisioning)).isEqualTo(Severity.MEDIUM);
        assertThat(policies.evidence(provisioning))
                .containsEntry("escalatedBy", List.of("HIGH: matcher admin-policy-attached"))
                .containsKey("loweredBy");
        assertThat(policies.evidence(provisioning).get("loweredBy")).asList().singleElement().asString()
                .startsWith("MEDIUM: { $.userIdentity.sessionContext.sessionIssuer.arn = %");
    }

    @Test
    void staysQuietWhenTheMatcherDoesNotHold() {
        Rule guardDuty = pack.rule("guardduty-detector-disabled").orElseThrow();

        assertThat(guardDuty.matches(TestEvents.call("guardduty.amazonaws.com", "UpdateDetector",
                "{\"detectorId\": \"12abc34d567e8fa901bc2d34e56789f0\", \"enable\": true}"))).isFalse();
        assertThat(guardDuty.matcher()).contains("guardduty-detector-disabled");
    }

    @Test
    void exposesWhatTheAlertAndTheDocsNeed() {
        assertThat(securityGroups.id()).isEqualTo("security-group-changed");
        assertThat(securityGroups.mitre()).containsExactly("T1562.007");
        assertThat(securityGroups.cis()).contains("4.10");
        assertThat(securityGroups.eventNames()).get().asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.COLLECTION).contains("AuthorizeSecurityGroupIngress");
        assertThat(securityGroups.condition()).startsWith("{ ($.eventSource = \"ec2.amazonaws.com\")");
        assertThat(securityGroups.runbook()).startsWith("1. Ask:");
    }
}
