package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefenseMatchersTest {

    private final RequestMatcher guardDuty = RequestMatchers.named("guardduty-detector-disabled").orElseThrow();
    private final RequestMatcher rdsPublic = RequestMatchers.named("rds-made-public").orElseThrow();
    private final RequestMatcher noManagementEvents = RequestMatchers.named("management-events-excluded")
            .orElseThrow();

    private static final String DETECTOR = "12abc34d567e8fa901bc2d34e56789f0";

    @Test
    void alertsWhenGuardDutyIsDisabledOrDeleted() {
        assertThat(guardDuty.matches(TestEvents.call("guardduty.amazonaws.com", "UpdateDetector",
                "{\"detectorId\": \"" + DETECTOR + "\", \"enable\": false}"))).isTrue();
        assertThat(guardDuty.matches(TestEvents.call("guardduty.amazonaws.com", "DeleteDetector",
                "{\"detectorId\": \"" + DETECTOR + "\"}"))).isTrue();
    }

    @Test
    void staysQuietWhenGuardDutyIsEnabledOrTuned() {
        assertThat(guardDuty.matches(TestEvents.call("guardduty.amazonaws.com", "UpdateDetector",
                "{\"detectorId\": \"" + DETECTOR + "\", \"enable\": true}"))).isFalse();
        assertThat(guardDuty.matches(TestEvents.call("guardduty.amazonaws.com", "UpdateDetector",
                "{\"detectorId\": \"" + DETECTOR + "\", \"findingPublishingFrequency\": \"SIX_HOURS\"}"))).isFalse();
    }

    @Test
    void alertsWhenAnRdsInstanceIsMadePublic() {
        assertThat(rdsPublic.matches(TestEvents.call("rds.amazonaws.com", "ModifyDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\", \"publiclyAccessible\": true}"))).isTrue();
        assertThat(rdsPublic.matches(TestEvents.call("rds.amazonaws.com", "ModifyDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\", \"publiclyAccessible\": false}"))).isFalse();
        assertThat(rdsPublic.matches(TestEvents.call("rds.amazonaws.com", "ModifyDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\", \"allocatedStorage\": 100}"))).isFalse();
    }

    @Test
    void takesTheResponseOfACreateOrRestoreThatLeavesPubliclyAccessibleToTheDefault() {
        // elastic's integration-test record: the request has no publiclyAccessible, the restored instance is public.
        CloudTrailEvent restore = withResponse(TestEvents.record("rds.amazonaws.com", "RestoreDBInstanceFromDBSnapshot",
                "{\"dBInstanceClass\": \"db.t3.small\", \"dBInstanceIdentifier\": "
                        + "\"test-cloudtrail-event-instance-31611-restored\", \"dBSnapshotIdentifier\": "
                        + "\"test-cloudtrail-event-instance-31611-snap\"}"),
                "{\"dBInstanceIdentifier\": \"test-cloudtrail-event-instance-31611-restored\", "
                        + "\"publiclyAccessible\": true}");
        assertThat(rdsPublic.matches(restore)).isTrue();
        assertThat(rdsPublic.evidence(restore)).containsEntry("publiclyAccessible", true)
                .containsKey("publiclyAccessibleFrom");
        assertThat(rdsPublic.matches(withResponse(TestEvents.record("rds.amazonaws.com", "CreateDBInstance",
                "{\"dBInstanceIdentifier\": \"scratch\"}"), "{\"publiclyAccessible\": \"true\"}"))).isTrue();
        assertThat(rdsPublic.matches(withResponse(TestEvents.record("rds.amazonaws.com", "CreateDBInstance",
                "{\"dBInstanceIdentifier\": \"scratch\"}"), "{\"publiclyAccessible\": false}"))).isFalse();
        // The request decides when it says anything.
        assertThat(rdsPublic.matches(withResponse(TestEvents.record("rds.amazonaws.com", "CreateDBInstance",
                "{\"publiclyAccessible\": false}"), "{\"publiclyAccessible\": true}"))).isFalse();
    }

    @Test
    void neverTakesTheResponseOfAModifyOrDelete() {
        // ModifyDBInstance's response shows the instance before a pending change: here it is being made private.
        assertThat(rdsPublic.matches(withResponse(TestEvents.record("rds.amazonaws.com", "ModifyDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\", \"allocatedStorage\": 100}"),
                "{\"publiclyAccessible\": true}"))).isFalse();
        assertThat(rdsPublic.matches(withResponse(TestEvents.record("rds.amazonaws.com", "DeleteDBInstance",
                "{\"dBInstanceIdentifier\": \"orders\"}"), "{\"publiclyAccessible\": true}"))).isFalse();
    }

    private static CloudTrailEvent withResponse(ObjectNode record, String response) {
        record.set("responseElements", TestEvents.tree(response));
        return TestEvents.parse(record);
    }

    @Test
    void picksOutAlarmsNamedLikeSecurityAlarms() {
        RequestMatcher securityAlarm = RequestMatchers.named("security-alarm-named").orElseThrow();
        CloudTrailEvent cis = TestEvents.call("monitoring.amazonaws.com", "DisableAlarmActions",
                "{\"alarmNames\": [\"cpu-high\", \"CIS-4.3-RootAccountUsage\", \"UnauthorizedAPICalls\"]}");
        assertThat(securityAlarm.matches(cis)).isTrue();
        assertThat(securityAlarm.evidence(cis)).containsEntry("securityAlarms",
                List.of("CIS-4.3-RootAccountUsage", "UnauthorizedAPICalls"));
        assertThat(securityAlarm.matches(TestEvents.call("monitoring.amazonaws.com", "DeleteAlarms",
                "{\"alarmNames\": [\"ConsoleSigninWithoutMFA\"]}"))).isTrue();
        // operations alarms whose names only contain a security word's letters are not security alarms
        for (String name : List.of("decision-service-5xx", "ProdDBPrecision", "Medicis", "web-RootVolumeDiskUsage",
                "ec2-root-disk-90pct", "app-console-errors", "kms-throttling", "Miami-latency", "iamsync-lag")) {
            assertThat(DefenseMatchers.isSecurityAlarm(name)).as(name).isFalse();
        }
        for (String name : List.of("CIS-4.3-RootAccountUsage", "UnauthorizedAPICalls", "ConsoleSigninWithoutMFA",
                "IAMPolicyChanges", "CloudTrailConfigChanges", "DisableOrDeleteCMK", "AWSConfigChanges",
                "SecurityGroupChanges", "NACLChanges", "NetworkGatewayChanges", "RouteTableChanges", "VPCChanges",
                "OrganizationsChanges", "guardduty-findings-high", "prod_audit_log_errors", "cis_3_1_unauthorized_api",
                "CloudTrailChanges", "AWSCloudTrailChanges", "GuardDutyHighSeverity", "CIS3.1", "Audit01-errors",
                "network_gw_changes_alarm", "s3_bucket_policy_changes_metric")) {
            assertThat(DefenseMatchers.isSecurityAlarm(name)).as(name).isTrue();
        }
        // elastic's integration-test record deletes an operations alarm.
        assertThat(securityAlarm.matches(TestEvents.call("monitoring.amazonaws.com", "DeleteAlarms",
                "{\"alarmNames\": [\"cpu-mon\"]}"))).isFalse();
        assertThat(securityAlarm.matches(TestEvents.call("monitoring.amazonaws.com", "DeleteAlarms",
                "{\"alarmNames\": [\"orders-api-5xx\", \"queue-depth\"]}"))).isFalse();
    }

    @Test
    void alertsWhenEventSelectorsDropManagementEvents() {
        assertThat(noManagementEvents.matches(TestEvents.call("cloudtrail.amazonaws.com", "PutEventSelectors", """
                {"trailName": "t", "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": false,
                 "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]}"""))).isTrue();
        assertThat(noManagementEvents.matches(TestEvents.call("cloudtrail.amazonaws.com", "PutEventSelectors", """
                {"trailName": "t", "advancedEventSelectors": [{"name": "data only", "fieldSelectors": [
                 {"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type",
                 "equals": ["AWS::S3::Object"]}]}]}"""))).isTrue();
    }

    @Test
    void alertsWhenOnlyReadOnlyManagementEventsAreKept() {
        assertThat(noManagementEvents.matches(TestEvents.call("cloudtrail.amazonaws.com", "PutEventSelectors", """
                {"trailName": "t", "eventSelectors": [{"readWriteType": "ReadOnly", "includeManagementEvents": true,
                 "dataResources": [], "excludeManagementEventSources": []}]}"""))).isTrue();
        assertThat(noManagementEvents.matches(TestEvents.call("cloudtrail.amazonaws.com", "PutEventSelectors", """
                {"trailName": "t", "advancedEventSelectors": [{"name": "reads", "fieldSelectors": [
                 {"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": ["true"]}]}]}""")))
                .isTrue();
        assertThat(noManagementEvents.matches(TestEvents.call("cloudtrail.amazonaws.com", "PutEventSelectors", """
                {"trailName": "t", "advancedEventSelectors": [{"name": "writes", "fieldSelectors": [
                 {"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": ["false"]}]}]}""")))
                .isFalse();
    }

    @Test
    void staysQuietWhenManagementEventsAreStillSelected() {
        assertThat(noManagementEvents.matches(TestEvents.call("cloudtrail.amazonaws.com", "PutEventSelectors", """
                {"trailName": "t", "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true}]}""")))
                .isFalse();
        assertThat(noManagementEvents.matches(TestEvents.call("cloudtrail.amazonaws.com", "PutEventSelectors", """
                {"trailName": "t", "advancedEventSelectors": [{"name": "mgmt", "fieldSelectors": [
                 {"field": "eventCategory", "equals": ["Management"]}]}]}"""))).isFalse();
    }

    private final RequestMatcher purge = RequestMatchers.named("lifecycle-expires-all-objects").orElseThrow();

    private static dev.trailwatch.detector.model.CloudTrailEvent lifecycle(String rule) {
        return TestEvents.call("s3.amazonaws.com", "PutBucketLifecycle", """
                {"bucketName": "aws-cloudtrail-logs-111122223333", "Host": "aws-cloudtrail-logs-111122223333.s3.us-east-1.amazonaws.com",
                 "lifecycle": "", "LifecycleConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                 "Rule": %s}}""".formatted(rule));
    }

    @Test
    void alertsWhenALifecycleRuleExpiresTheWholeBucketWithinDays() {
        assertThat(purge.matches(lifecycle("""
                {"ID": "nuke-cloudtrail-logs-after-1-day", "Status": "Enabled", "Filter": {"Prefix": "*"},
                 "Expiration": {"Days": 1}}"""))).isTrue();
        assertThat(purge.matches(lifecycle("""
                [{"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}},
                 {"ID": "all", "Status": "Enabled", "Filter": "", "Expiration": {"Days": "3"}}]"""))).isTrue();
        assertThat(purge.matches(lifecycle("""
                {"ID": "all", "Status": "Enabled", "Prefix": "", "Expiration": {"Date": "2024-05-15T00:00:00Z"}}""")))
                .isTrue();
    }

    @Test
    void staysQuietForRetentionPoliciesScopedOrDisabledRules() {
        assertThat(purge.matches(lifecycle("""
                {"ID": "keep-two-years", "Status": "Enabled", "Filter": "", "Expiration": {"Days": 730},
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 730}}"""))).isFalse();
        assertThat(purge.matches(lifecycle("""
                {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}""")))
                .isFalse();
        assertThat(purge.matches(lifecycle("""
                {"ID": "off", "Status": "Disabled", "Filter": {"Prefix": "*"}, "Expiration": {"Days": 1}}""")))
                .isFalse();
        assertThat(purge.matches(lifecycle("""
                {"ID": "old-versions", "Status": "Enabled", "Filter": {},
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}"""))).isFalse();
        assertThat(purge.matches(lifecycle("""
                {"ID": "tagged", "Status": "Enabled", "Filter": {"Tag": {"Key": "scratch", "Value": "yes"}},
                 "Expiration": {"Days": 1}}"""))).isFalse();
    }

    private final RequestMatcher sseC = RequestMatchers.named("object-rewritten-with-customer-key").orElseThrow();

    private static dev.trailwatch.detector.model.CloudTrailEvent copy(String source, boolean customerKey) {
        return TestEvents.call("s3.amazonaws.com", "CopyObject", """
                {"bucketName": "orders-exports", "Host": "orders-exports.s3.us-east-1.amazonaws.com",
                 "key": "2024/05/orders 14.csv", "x-amz-copy-source": "%s", "x-id": "CopyObject"%s}"""
                .formatted(source, customerKey ? ", \"x-amz-server-side-encryption-customer-algorithm\": \"AES256\"" : ""));
    }

    @Test
    void alertsWhenAnObjectIsRewrittenInPlaceWithACustomerKey() {
        assertThat(sseC.matches(copy("orders-exports/2024/05/orders 14.csv", true))).isTrue();
        assertThat(sseC.matches(copy("/orders-exports/2024/05/orders%2014.csv?versionId=3HL4kqtJlcpXroDTDmJ", true)))
                .isTrue();
        assertThat(sseC.evidence(copy("orders-exports/2024/05/orders 14.csv", true)))
                .containsEntry("rewrittenObject", "orders-exports/2024/05/orders 14.csv");
    }

    @Test
    void staysQuietForCopiesElsewhereOrWithoutACustomerKey() {
        assertThat(sseC.matches(copy("orders-exports/2024/05/orders 14.csv", false))).isFalse();
        assertThat(sseC.matches(copy("orders-staging/2024/05/orders 14.csv", true))).isFalse();
    }
}
