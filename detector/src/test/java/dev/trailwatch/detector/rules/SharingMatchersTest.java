package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharingMatchersTest {

    private final RequestMatcher shared = RequestMatchers.named("snapshot-shared").orElseThrow();
    private final RequestMatcher publicly = RequestMatchers.named("snapshot-shared-publicly").orElseThrow();
    private final RequestMatcher withAccount = RequestMatchers.named("snapshot-shared-with-account").orElseThrow();

    private static CloudTrailEvent ebs(String operation, String item) {
        return TestEvents.call("ec2.amazonaws.com", "ModifySnapshotAttribute", """
                {"snapshotId": "snap-0a1b2c3d4e5f6a7b8", "attributeType": "CREATE_VOLUME_PERMISSION",
                 "createVolumePermission": {"%s": {"items": [%s]}}}""".formatted(operation, item));
    }

    private static CloudTrailEvent rds(String eventName, String values) {
        return TestEvents.call("rds.amazonaws.com", eventName, """
                {"dBSnapshotIdentifier": "prod-db-2024-05-14", "attributeName": "restore", "valuesToAdd": %s}"""
                .formatted(values));
    }

    @Test
    void alertsWhenAnEbsSnapshotIsMadePublic() {
        CloudTrailEvent event = ebs("add", "{\"group\": \"all\"}");

        assertThat(publicly.matches(event)).isTrue();
        assertThat(shared.matches(event)).isTrue();
        assertThat(withAccount.matches(event)).isFalse();
        assertThat(publicly.evidence(event)).containsEntry("sharedWith", List.of("all")).containsEntry("public", true);
    }

    @Test
    void alertsWhenAnEbsSnapshotIsSharedWithAnAccount() {
        CloudTrailEvent event = ebs("add", "{\"userId\": \"444455556666\"}");

        assertThat(withAccount.matches(event)).isTrue();
        assertThat(publicly.matches(event)).isFalse();
        assertThat(withAccount.evidence(event)).containsEntry("sharedWith", List.of("444455556666"));
    }

    @Test
    void staysQuietWhenPermissionsAreOnlyRemoved() {
        CloudTrailEvent event = ebs("remove", "{\"group\": \"all\"}");

        assertThat(shared.matches(event)).isFalse();
    }

    @Test
    void alertsWhenAnAmiIsLaunchableByEveryone() {
        CloudTrailEvent event = TestEvents.call("ec2.amazonaws.com", "ModifyImageAttribute", """
                {"imageId": "ami-0abcdef1234567890", "attributeType": "launchPermission",
                 "launchPermission": {"add": {"items": [{"group": "all"}]}}}""");

        assertThat(publicly.matches(event)).isTrue();
    }

    @Test
    void alertsWhenRdsSnapshotsAreShared() {
        assertThat(publicly.matches(rds("ModifyDBSnapshotAttribute", "[\"all\"]"))).isTrue();
        assertThat(withAccount.matches(rds("ModifyDBClusterSnapshotAttribute", "[\"444455556666\"]"))).isTrue();
        assertThat(shared.matches(rds("ModifyDBSnapshotAttribute", "[]"))).isFalse();
    }

    @Test
    void treatsRedshiftAuthorizeSnapshotAccessAsAShareWithAnAccount() {
        CloudTrailEvent event = TestEvents.call("redshift.amazonaws.com", "AuthorizeSnapshotAccess",
                "{\"snapshotIdentifier\": \"rs:analytics\", \"accountWithRestoreAccess\": \"444455556666\"}");

        assertThat(withAccount.matches(event)).isTrue();
        assertThat(publicly.matches(event)).isFalse();
    }
}
