package dev.trailwatch.detector.detect.watchlist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Through the real topology: a share to an account the operator declared (accounts.known, or an operator entry of
 * the accounts topic) is LOW at once; a share naming any other account keeps the rule's MEDIUM and names that
 * account; an account TrailWatch only learned from traffic never lowers it.
 */
class InsideOrganizationTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String BACKUP = "444455556666";
    private static final String STRANGER = "999988887777";

    @Test
    void alertsLowAtOnceWhenASnapshotIsSharedWithAnAccountOfAccountsKnown() {
        try (TopologyHarness topology = harness(Map.of("accounts.known", BACKUP + "=backup-vault"))) {
            Alert alert = only(topology.pipe(snapshotSharedWith(BACKUP, T0)).alertValues());

            assertThat(alert.severity()).isEqualTo(Severity.LOW);
            assertThat(alert.firstEventTime()).isEqualTo(T0);
            assertThat(alert.evidence()).containsEntry("sharedWith", List.of(BACKUP))
                    .doesNotContainKey("outsideOrganization");
            assertThat(alert.evidence().get("loweredBy")).asList().singleElement().asString()
                    .startsWith("LOW: every account of snapshot-grantees is a declared member");
        }
    }

    @Test
    void keepsMediumAndNamesTheAccountWhenTheShareGoesOutsideTheDeclaredAccounts() {
        try (TopologyHarness topology = harness(Map.of("accounts.known", BACKUP))) {
            Alert alert = only(topology.pipe(snapshotSharedWith(STRANGER, T0)).alertValues());

            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.evidence()).containsEntry("outsideOrganization", List.of(STRANGER))
                    .doesNotContainKey("loweredBy");
        }
    }

    @Test
    void keepsMediumWithoutAccountsKnown() {
        try (TopologyHarness topology = harness(Map.of())) {
            Alert alert = only(topology.pipe(snapshotSharedWith(BACKUP, T0)).alertValues());

            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.evidence()).containsEntry("outsideOrganization", List.of(BACKUP));
        }
    }

    @Test
    void alertsLowWhenTheOperatorDeclaredTheAccountOnTheAccountsTopic() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipeAccount(BACKUP, "{\"name\":\"backup-vault\",\"ou\":\"Infrastructure\"}");

            assertThat(only(topology.pipe(snapshotSharedWith(BACKUP, T0)).alertValues()).severity())
                    .isEqualTo(Severity.LOW);
        }
    }

    /**
     * The account both calls AWS itself (so TrailWatch learns it as a recipient) and has a learned entry on the
     * accounts topic: neither is a declaration, so the share stays MEDIUM whichever arrived first.
     */
    @Test
    void staysMediumWhenTheAccountIsOnlyLearnedFromTraffic() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipeAccount(BACKUP, "{\"name\":\"backup-vault\",\"learnedFrom\":\"recipient\","
                    + "\"learnedAt\":\"2026-11-20T09:00:00Z\"}");
            TestEvents ownCall = TestEvents.event("ec2.amazonaws.com", "DescribeSnapshots", T0.minusSeconds(60));
            ownCall.set("recipientAccountId", BACKUP);
            topology.pipe(ownCall);

            assertThat(only(topology.pipe(snapshotSharedWith(BACKUP, T0)).alertValues()).severity())
                    .isEqualTo(Severity.MEDIUM);
        }
    }

    @Test
    void aDeclaredShareIsBelowAMinimumSeverityOfMediumAndAnOutsideOneIsNot() {
        try (TopologyHarness topology = harness(Map.of("accounts.known", BACKUP, "alerts.min.severity", "MEDIUM"))) {
            topology.pipe(snapshotSharedWith(BACKUP, T0));
            topology.pipe(snapshotSharedWith(STRANGER, T0.plusSeconds(5)).user("mallory"));

            assertThat(topology.alertValues()).filteredOn(a -> a.ruleId().equals("snapshot-shared"))
                    .singleElement().satisfies(alert -> {
                        assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                        assertThat(alert.evidence()).containsEntry("sharedWith", List.of(STRANGER));
                    });
        }
    }

    /** A benign share first must not hide an exfiltration by the same principal folded into the same alert. */
    @Test
    void raisesTheAlertAtOnceWhenAnOutsideShareFollowsADeclaredOneOfTheSamePrincipal() {
        try (TopologyHarness topology = harness(Map.of("accounts.known", BACKUP))) {
            topology.pipe(snapshotSharedWith(BACKUP, T0));
            topology.pipe(snapshotSharedWith(STRANGER, T0.plusSeconds(30)));

            List<Alert> records = topology.alertValues().stream().filter(a -> a.ruleId().equals("snapshot-shared"))
                    .toList();
            assertThat(records).extracting(Alert::severity).containsExactly(Severity.LOW, Severity.MEDIUM);
            assertThat(records.get(1).alertId()).isEqualTo(records.get(0).alertId());
            assertThat(records.get(1).eventCount()).isEqualTo(2);
            assertThat(records.get(1).evidence()).containsEntry("outsideOrganization", List.of(STRANGER));
        }
    }

    private static TopologyHarness harness(Map<String, String> settings) {
        return new TopologyHarness(settings, FlushSignal.never());
    }

    private static Alert only(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.ruleId().equals("snapshot-shared")).reduce((a, b) -> {
            throw new AssertionError("more than one snapshot-shared alert: " + alerts);
        }).orElseThrow(() -> new AssertionError("no snapshot-shared alert in " + alerts));
    }

    /** ModifySnapshotAttribute adding createVolumePermission for one account, as CloudTrail records it. */
    private static TestEvents snapshotSharedWith(String account, Instant time) {
        TestEvents share = TestEvents.event("ec2.amazonaws.com", "ModifySnapshotAttribute", time);
        ObjectNode request = share.json().with("requestParameters");
        request.put("snapshotId", "snap-0a1b2c3d4e5f6a7b8");
        request.put("attributeType", "CREATE_VOLUME_PERMISSION");
        request.putObject("createVolumePermission").putObject("add").putArray("items").addObject()
                .put("userId", account);
        share.json().putObject("responseElements").put("requestId", "9f8e7d6c-5b4a-4321-8765-0fedcba98765")
                .put("_return", true);
        return share;
    }
}
