package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Ransomware-style deletion of S3 objects, one by one or in versioned batches (S3 data events). */
class S3MassDeletionDetectorTest {

    private static final String ID = S3MassDeletionDetector.ID;
    private static final String BUCKET = "stratus-red-team-ransomware-bucket-abcdef";

    /** An S3 data event as CloudTrail writes it (eventCategory Data, the bucket and key in requestParameters). */
    private static TestEvents s3(String user, String eventName, Instant time) {
        TestEvents e = TestEvents.event("s3.amazonaws.com", eventName, time).user(user).sourceIp(ATTACKER);
        e.json().put("eventCategory", "Data").put("managementEvent", false).put("readOnly", false);
        e.json().with("requestParameters").put("bucketName", BUCKET)
                .put("Host", BUCKET + ".s3.us-east-1.amazonaws.com");
        return e;
    }

    private static TestEvents deleteObject(String user, String key, String versionId, Instant time) {
        TestEvents e = s3(user, "DeleteObject", time);
        ObjectNode request = e.json().with("requestParameters");
        request.put("key", key).put("x-id", "DeleteObject");
        if (versionId != null) {
            request.put("versionId", versionId);
        }
        return e;
    }

    /** DeleteObjects: CloudTrail records neither the keys nor their number, only {@code "delete": ""}. */
    private static TestEvents deleteObjects(String user, Instant time) {
        TestEvents e = s3(user, "DeleteObjects", time);
        e.json().with("requestParameters").put("delete", "").put("x-id", "DeleteObjects");
        return e;
    }

    private static TestEvents listVersions(String user, Instant time) {
        TestEvents e = s3(user, "ListObjectVersions", time);
        e.json().put("readOnly", true);
        e.json().with("requestParameters").put("versions", "");
        return e;
    }

    @Test
    void alertsHighWhenOnePrincipalDeletesManyObjectVersionsOneByOne() {
        try (TopologyHarness topology = new TopologyHarness()) {
            // Stratus s3-ransomware-individual-deletion: 51 objects, each deleted with its version id.
            for (int i = 0; i < 51; i++) {
                topology.pipe(deleteObject("mallory", "file-" + i + ".sql", "v" + i, atSeconds(2L * i)));
            }

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).severity()).isEqualTo(Severity.HIGH);
            assertThat(alerts.get(0).principal()).isEqualTo("arn:aws:iam::111122223333:user/mallory");
            assertThat(alerts.get(0).mitre()).contains("T1485");
            assertThat(alerts.get(0).evidence()).containsEntry("versionsDeleted", 20);
        }
    }

    @Test
    void alertsMediumForDeletionsWithoutVersionsAndStaysQuietOneShort() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < 20; i++) {
                topology.pipe(deleteObject("cleanup", "tmp/" + i, null, atSeconds(10L * i)));
            }
            for (int i = 0; i < 19; i++) {
                topology.pipe(deleteObject("app", "cache/" + i, null, atSeconds(10L * i)));
            }
            // Many deletions of the same few keys are not many objects.
            for (int i = 0; i < 60; i++) {
                topology.pipe(deleteObject("churn", "lock/" + (i % 3), null, atSeconds(5L * i)));
            }

            assertThat(alertsOf(topology, ID)).extracting(Alert::principal, Alert::severity).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("arn:aws:iam::111122223333:user/cleanup", Severity.MEDIUM));
        }
    }

    @Test
    void alertsWhenAVersionedBucketIsListedAndBatchDeleted() {
        try (TopologyHarness topology = new TopologyHarness()) {
            // Stratus s3-ransomware-batch-deletion: list every version, then one DeleteObjects for all of them.
            topology.pipe(listVersions("mallory", atSeconds(0)));
            topology.pipe(deleteObjects("mallory", atSeconds(4)));
            // A batch delete alone, or by another principal than the lister, is routine.
            topology.pipe(deleteObjects("app", atSeconds(5)));
            topology.pipe(listVersions("backup", atSeconds(6)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).singleElement().satisfies(alert -> {
                assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                assertThat(alert.title()).contains(BUCKET).contains("user/mallory");
                assertThat(alert.evidence()).containsEntry("bucket", BUCKET);
            });
        }
    }

    @Test
    void staysQuietWhenTheListingAndTheBatchDeleteAreFarApart() {
        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(listVersions("ops", at(Duration.ZERO)));
            topology.pipe(deleteObjects("ops", at(Duration.ofMinutes(11))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    /**
     * The burst counter opens a burst at the earliest event it holds when the threshold is reached, so an earlier
     * deletion arriving after that may stay outside it; what an analyst reads does not change: one HIGH deletion
     * burst of at least the threshold and one version wipe, whatever the order.
     */
    @Test
    void raisesTheSameAlertsWhateverTheOrderOfArrivalWithinTheGrace() {
        List<TestEvents> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(deleteObject("mallory", "doc-" + i + ".pdf", "v" + i, atSeconds(3L * i)));
        }
        events.add(listVersions("mallory", atSeconds(30)));
        events.add(deleteObjects("mallory", atSeconds(40)));
        for (long seed = 0; seed <= 3; seed++) {
            List<TestEvents> order = new ArrayList<>(events);
            if (seed > 0) {
                Collections.shuffle(order, new Random(seed));
            }
            try (TopologyHarness topology = new TopologyHarness()) {
                order.forEach(topology::pipe);
                topology.pipe(TestEvents.event("ec2.amazonaws.com", "DescribeInstances", at(Duration.ofHours(1))));
                Map<String, Alert> last = new TreeMap<>();
                alertsOf(topology, ID).forEach(alert -> last.put(alert.alertId(), alert));

                assertThat(last.values()).as("order %d", seed).hasSize(2)
                        .anySatisfy(a -> {
                            assertThat(a.severity()).isEqualTo(Severity.HIGH);
                            assertThat(a.eventCount()).isBetween(20L, 25L);
                        })
                        .anySatisfy(a -> {
                            assertThat(a.severity()).isEqualTo(Severity.MEDIUM);
                            assertThat(a.evidence()).containsEntry("bucket", BUCKET);
                        });
            }
        }
    }
}
