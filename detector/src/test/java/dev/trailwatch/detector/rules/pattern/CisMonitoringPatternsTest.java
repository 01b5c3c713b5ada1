package dev.trailwatch.detector.rules.pattern;

import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.apiCall;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.consoleLogin;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.rootApiCall;
import static dev.trailwatch.detector.rules.pattern.CloudTrailRecords.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CIS AWS Foundations monitoring pattern, verbatim, against a CloudTrail record the alarm exists for and a near
 * miss. Texts: the Security Hub CloudWatch.1-14 remediation steps (CIS v1.2 3.x / v1.4 4.x) and the CIS v1.5+ 4.1-4.15
 * texts that benchmark audit tools compare filters against character for character.
 */
class CisMonitoringPatternsTest {

    private static final String EC2 = "ec2.amazonaws.com";

    static Stream<Arguments> securityHubControls() {
        return Stream.of(
                arguments("CloudWatch.1 root user",
                        "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS"
                                + " && $.eventType !=\"AwsServiceEvent\"}",
                        rootApiCall("iam.amazonaws.com", "CreateAccessKey"),
                        with(rootApiCall("iam.amazonaws.com", "CreateAccessKey"),
                                "userIdentity.invokedBy", "support.amazonaws.com")),
                arguments("CloudWatch.2 unauthorized API calls",
                        "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}",
                        with(apiCall(EC2, "RunInstances"), "errorCode", "Client.UnauthorizedOperation"),
                        with(apiCall(EC2, "RunInstances"), "errorCode", "Client.RequestLimitExceeded")),
                arguments("CloudWatch.3 console sign-in without MFA",
                        "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\")"
                                + " && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin"
                                + " = \"Success\") }",
                        consoleLogin("No", "Success"), consoleLogin("Yes", "Success")),
                arguments("CloudWatch.4 IAM policy changes",
                        "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName="
                                + "DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy)"
                                + " || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName="
                                + "DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName="
                                + "DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName="
                                + "DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName="
                                + "DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName="
                                + "DetachGroupPolicy)}",
                        apiCall("iam.amazonaws.com", "PutUserPolicy"), apiCall("iam.amazonaws.com", "GetPolicy")),
                arguments("CloudWatch.5 CloudTrail configuration changes",
                        "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) ||"
                                + " ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
                        apiCall("cloudtrail.amazonaws.com", "StopLogging"),
                        apiCall("cloudtrail.amazonaws.com", "DescribeTrails")),
                arguments("CloudWatch.6 console authentication failures",
                        "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}",
                        consoleLogin("No", "Failure"), consoleLogin("No", "Success")),
                arguments("CloudWatch.7 disabled or scheduled-deletion CMKs",
                        "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) ||"
                                + " ($.eventName=ScheduleKeyDeletion))}",
                        apiCall("kms.amazonaws.com", "DisableKey"), apiCall("kms.amazonaws.com", "DisableKeyRotation")),
                arguments("CloudWatch.8 S3 bucket policy changes",
                        "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName="
                                + "PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle)"
                                + " || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) ||"
                                + " ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) ||"
                                + " ($.eventName=DeleteBucketReplication))}",
                        apiCall("s3.amazonaws.com", "PutBucketPolicy"), apiCall("s3.amazonaws.com", "PutBucketTagging")),
                arguments("CloudWatch.9 AWS Config changes",
                        "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) ||"
                                + " ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) ||"
                                + " ($.eventName=PutConfigurationRecorder))}",
                        apiCall("config.amazonaws.com", "StopConfigurationRecorder"),
                        apiCall("config.amazonaws.com", "StartConfigurationRecorder")),
                arguments("CloudWatch.10 security group changes",
                        "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress)"
                                + " || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName="
                                + "RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName="
                                + "DeleteSecurityGroup)}",
                        apiCall(EC2, "AuthorizeSecurityGroupIngress"), apiCall(EC2, "DescribeSecurityGroups")),
                arguments("CloudWatch.11 NACL changes",
                        "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName="
                                + "DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName="
                                + "ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
                        apiCall(EC2, "CreateNetworkAclEntry"), apiCall(EC2, "DescribeNetworkAcls")),
                arguments("CloudWatch.12 network gateway changes",
                        "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName="
                                + "AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName="
                                + "DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
                        apiCall(EC2, "AttachInternetGateway"), apiCall(EC2, "CreateNatGateway")),
                arguments("CloudWatch.13 route table changes",
                        "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute)"
                                + " || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) ||"
                                + " ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
                        apiCall(EC2, "ReplaceRoute"), apiCall(EC2, "DescribeRouteTables")),
                arguments("CloudWatch.14 VPC changes",
                        "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) ||"
                                + " ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection)"
                                + " || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName="
                                + "RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName="
                                + "DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName="
                                + "EnableVpcClassicLink)}",
                        apiCall(EC2, "ModifyVpcAttribute"), apiCall(EC2, "ModifySubnetAttribute")));
    }

    static Stream<Arguments> cisV15Controls() {
        return Stream.of(
                arguments("4.1 unauthorized API calls (as briefed)",
                        "{($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") &&"
                                + " ($.sourceIPAddress!=\"delivery.logs.amazonaws.com\") &&"
                                + " ($.eventName!=\"HeadBucket\")}",
                        with(apiCall("s3.amazonaws.com", "GetObject"), "errorCode", "AccessDenied"),
                        with(apiCall("s3.amazonaws.com", "HeadBucket"), "errorCode", "AccessDenied")),
                arguments("4.1 unauthorized API calls (benchmark text)",
                        "{ ($.errorCode =\"*UnauthorizedOperation\") || ($.errorCode =\"AccessDenied*\") &&"
                                + " ($.sourceIPAddress!=\"delivery.logs.amazonaws.com\") &&"
                                + " ($.eventName!=\"HeadBucket\") }",
                        with(apiCall("sts.amazonaws.com", "AssumeRole"), "errorCode", "AccessDeniedException"),
                        with(with(apiCall("s3.amazonaws.com", "PutObject"), "errorCode", "AccessDenied"),
                                "sourceIPAddress", "delivery.logs.amazonaws.com")),
                arguments("4.2 console sign-in without MFA",
                        "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") }",
                        consoleLogin("No", "Success"), consoleLogin("Yes", "Success")),
                arguments("4.2 console sign-in without MFA (compact)",
                        "{($.eventName=\"ConsoleLogin\") && ($.additionalEventData.MFAUsed !=\"Yes\")}",
                        consoleLogin("No", "Failure"), consoleLogin("Yes", "Failure")),
                arguments("4.3 root account usage",
                        "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS &&"
                                + " $.eventType != \"AwsServiceEvent\" }",
                        rootApiCall("ec2.amazonaws.com", "TerminateInstances"),
                        with(rootApiCall("ec2.amazonaws.com", "TerminateInstances"), "eventType", "AwsServiceEvent")),
                arguments("4.4 IAM policy changes",
                        "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName="
                                + "DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||"
                                + "($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)"
                                + "||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||"
                                + "($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName="
                                + "AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)"
                                + "||($.eventName=DetachGroupPolicy)}",
                        apiCall("iam.amazonaws.com", "AttachRolePolicy"),
                        apiCall("iam.amazonaws.com", "ListAttachedRolePolicies")),
                arguments("4.5 CloudTrail configuration changes",
                        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail)"
                                + " || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
                        apiCall("cloudtrail.amazonaws.com", "UpdateTrail"),
                        apiCall("cloudtrail.amazonaws.com", "GetTrailStatus")),
                arguments("4.6 console authentication failures",
                        "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
                        consoleLogin("No", "Failure"),
                        with(consoleLogin("No", "Failure"), "errorMessage", "No username found in supplied account")),
                arguments("4.7 disabled or scheduled-deletion CMKs",
                        "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName="
                                + "ScheduleKeyDeletion)) }",
                        apiCall("kms.amazonaws.com", "ScheduleKeyDeletion"),
                        apiCall("kms.amazonaws.com", "CancelKeyDeletion")),
                arguments("4.8 S3 bucket policy changes",
                        "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName ="
                                + " PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName ="
                                + " PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName ="
                                + " DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName ="
                                + " DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
                        apiCall("s3.amazonaws.com", "DeleteBucketPolicy"),
                        apiCall("s3-outposts.amazonaws.com", "DeleteBucketPolicy")),
                arguments("4.9 AWS Config changes",
                        "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||"
                                + "($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||"
                                + "($.eventName=PutConfigurationRecorder)) }",
                        apiCall("config.amazonaws.com", "PutDeliveryChannel"),
                        apiCall("config.amazonaws.com", "DescribeDeliveryChannels")),
                arguments("4.10 security group changes",
                        "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName ="
                                + " AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) ||"
                                + " ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) ||"
                                + " ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }",
                        apiCall(EC2, "ModifySecurityGroupRules"), apiCall(EC2, "ModifyInstanceAttribute")),
                arguments("4.11 NACL changes",
                        "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) ||"
                                + " ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) ||"
                                + " ($.eventName = ReplaceNetworkAclEntry) || ($.eventName ="
                                + " ReplaceNetworkAclAssociation) }",
                        apiCall(EC2, "ReplaceNetworkAclAssociation"), apiCall(EC2, "ReplaceRouteTableAssociation")),
                arguments("4.12 network gateway changes",
                        "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) ||"
                                + " ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) ||"
                                + " ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
                        apiCall(EC2, "DeleteCustomerGateway"), apiCall(EC2, "DeleteVpnGateway")),
                arguments("4.13 route table changes",
                        "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName ="
                                + " ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName ="
                                + " DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName ="
                                + " DisassociateRouteTable) }",
                        apiCall(EC2, "DisassociateRouteTable"), apiCall(EC2, "AssociateRouteTable")),
                arguments("4.14 VPC changes",
                        "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName ="
                                + " ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName ="
                                + " CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) ||"
                                + " ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc)"
                                + " || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) ||"
                                + " ($.eventName = EnableVpcClassicLink) }",
                        apiCall(EC2, "CreateVpcPeeringConnection"), apiCall(EC2, "CreateVpcEndpoint")),
                arguments("4.15 AWS Organizations changes",
                        "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = \"AcceptHandshake\") ||"
                                + " ($.eventName = \"AttachPolicy\") || ($.eventName = \"CreateAccount\") ||"
                                + " ($.eventName = \"CreateOrganizationalUnit\") || ($.eventName = \"CreatePolicy\") ||"
                                + " ($.eventName = \"DeclineHandshake\") || ($.eventName = \"DeleteOrganization\") ||"
                                + " ($.eventName = \"DeleteOrganizationalUnit\") || ($.eventName = \"DeletePolicy\") ||"
                                + " ($.eventName = \"DetachPolicy\") || ($.eventName = \"DisablePolicyType\") ||"
                                + " ($.eventName = \"EnablePolicyType\") || ($.eventName ="
                                + " \"InviteAccountToOrganization\") || ($.eventName = \"LeaveOrganization\") ||"
                                + " ($.eventName = \"MoveAccount\") || ($.eventName = \"RemoveAccountFromOrganization\")"
                                + " || ($.eventName = \"UpdatePolicy\") || ($.eventName = \"UpdateOrganizationalUnit\"))"
                                + " }",
                        apiCall("organizations.amazonaws.com", "CreateAccount"),
                        apiCall("organizations.amazonaws.com", "DescribeOrganization")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"securityHubControls", "cisV15Controls"})
    void matchesTheEventTheAlarmExistsFor(String control, String pattern, JsonNode event, JsonNode nearMiss) {
        assertThat(FilterPattern.parse(pattern).matches(event)).as(control).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"securityHubControls", "cisV15Controls"})
    void doesNotMatchTheNearMiss(String control, String pattern, JsonNode event, JsonNode nearMiss) {
        assertThat(FilterPattern.parse(pattern).matches(nearMiss)).as(control).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"securityHubControls", "cisV15Controls"})
    void keepsTheTextVerbatim(String control, String pattern, JsonNode event, JsonNode nearMiss) {
        FilterPattern parsed = FilterPattern.parse(pattern);

        assertThat(parsed.text()).isEqualTo(pattern);
        assertThat(parsed).hasToString(pattern);
    }
}
