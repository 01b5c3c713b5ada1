package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * S3 mass deletion, the ransomware pattern on S3 data events (CloudTrail must log S3 data events for the buckets):
 * <ul>
 *   <li>one principal deleting at least {@code burst.s3-deletion.objects} (20) distinct objects one by one
 *   ({@code DeleteObject}, allowed or denied) within {@code burst.s3-deletion.window} (10 minutes): MEDIUM, HIGH when
 *   versions were deleted for good ({@code versionId} in the request: what defeats versioning);</li>
 *   <li>one principal listing a bucket's object versions ({@code ListObjectVersions}) and batch-deleting in it
 *   ({@code DeleteObjects}) within the window: MEDIUM. CloudTrail does not record which or how many keys a
 *   {@code DeleteObjects} call deleted (up to 1,000); listing the versions first is how every version gets deleted.</li>
 * </ul>
 *
 * <p>Windows are aligned to the epoch ({@link BurstCounter}).
 *
 * <p>Why: S3 ransomware empties buckets after copying them out, versions included, then leaves a note (Stratus
 * s3-ransomware-individual-deletion, s3-ransomware-batch-deletion; the 2022-2025 extortion campaigns Unit 42 and
 * Invictus describe). Lifecycle rules that expire everything are the watch-list's
 * ({@code s3-bucket-policy-changed}, HIGH), and so is encryption with a customer-provided key
 * ({@code s3-object-encrypted-with-customer-key}).
 *
 * <p>False positives: clean-up jobs deleting many objects (MEDIUM: tune the threshold); a person emptying a versioned
 * bucket in the console before deleting it (ListObjectVersions + DeleteObjects).
 *
 * <p>ATT&amp;CK: T1485 Data Destruction, T1486 Data Encrypted for Impact.
 */
public final class S3MassDeletionDetector {

    public static final String ID = "s3-mass-deletion";
    private static final List<String> MITRE = List.of("T1485", "T1486");
    private static final String RUNBOOK = "Ask the principal's owner whether a clean-up job or a planned deletion did"
            + " this. If not: revoke the principal's sessions and keys, block it with a bucket policy deny, check for a"
            + " ransom note (a new object right after the deletions), restore from versions, replication or AWS Backup,"
            + " and look for the copy-out before the deletion (GetObject from the same principal and address).";
    static final String VERSIONED = "?versionId=";

    private final DetectionKit kit;
    private final BurstSpec objects;
    private final BurstSpec batches;

    S3MassDeletionDetector(DetectorConfig config, DetectionKit kit) {
        int threshold = config.get(BurstSettings.S3_DELETION_OBJECTS);
        Duration window = config.get(BurstSettings.S3_DELETION_WINDOW);
        Duration grace = config.get(BurstSettings.GRACE);
        this.kit = kit;
        this.objects = new BurstSpec(ID, "objects", window, grace, threshold, threshold,
                e -> e.recipientAccountId() + '|' + e.principal(), S3MassDeletionDetector::object,
                tally -> objectsFinding(tally, threshold, window));
        this.batches = new BurstSpec(ID, "version-wipe", window, grace, 2, 2,
                e -> e.recipientAccountId() + '|' + e.principal() + '|' + bucket(e), CloudTrailEvent::eventName,
                tally -> wipeFinding(tally, window));
    }

    /** The object a DeleteObject names ({@code bucket/key}, with {@code ?versionId=} when a version goes for good). */
    static String object(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        String object = bucket(event) + '/' + request.path("key").asText("(unnamed " + event.eventId() + ")");
        JsonNode version = request.path("versionId");
        return version.isTextual() && !version.asText().isBlank() ? object + VERSIONED + version.asText() : object;
    }

    static String bucket(CloudTrailEvent event) {
        return event.requestParameters().path("bucketName").asText("(no bucket)");
    }

    Detections detect(EventRouter events) {
        // Typed fields only: DeleteObject calls reach the objects counter, DeleteObjects and ListObjectVersions the
        // version-wipe counter; no other event reaches either store.
        return Detections.all(
                Bursts.count(events, e -> isCandidate(e) && "DeleteObject".equals(e.eventName()), objects, kit),
                Bursts.count(events, e -> isCandidate(e) && !"DeleteObject".equals(e.eventName()), batches, kit));
    }

    private static boolean isCandidate(CloudTrailEvent event) {
        String name = event.eventName();
        return ("DeleteObject".equals(name) || "DeleteObjects".equals(name) || "ListObjectVersions".equals(name))
                && "s3.amazonaws.com".equals(event.eventSource()) && !event.isAwsServiceCall();
    }

    private static Alerts.Finding objectsFinding(BurstSpec.Tally tally, int threshold, Duration window) {
        Map<String, Object> evidence = BurstEvidence.of("principal", "deletions", tally, threshold, window);
        long versions = tally.tokens().stream().filter(t -> t.contains(VERSIONED)).count();
        evidence.put("distinctObjects", tally.tokens().size());
        evidence.put("versionsDeleted", versions);
        evidence.put("objects", tally.tokens());
        String principal = tally.entity().substring(tally.entity().indexOf('|') + 1);
        return new Alerts.Finding(ID, "S3 mass deletion by " + principal, principal + " deleted "
                + tally.tokens().size() + " distinct S3 objects (" + versions + " of them versions, for good) in "
                + tally.count() + " DeleteObject calls in the " + Durations.format(window) + " window from "
                + Instant.ofEpochMilli(tally.start()) + ": " + BurstEvidence.head(tally.tokens()),
                versions > 0 ? Severity.HIGH : Severity.MEDIUM, MITRE, RUNBOOK, evidence);
    }

    private static Alerts.Finding wipeFinding(BurstSpec.Tally tally, Duration window) {
        String[] parts = tally.entity().split("\\|");
        String bucket = parts[parts.length - 1];
        String principal = tally.entity().substring(parts[0].length() + 1, tally.entity().length() - bucket.length()
                - 1);
        Map<String, Object> evidence = BurstEvidence.of("principal", "calls", tally, 2, window);
        evidence.put("bucket", bucket);
        return new Alerts.Finding(ID, "Versioned S3 bucket " + bucket + " wiped in batches by " + principal,
                principal + " listed every object version of " + bucket + " and batch-deleted objects in it"
                        + " (ListObjectVersions, DeleteObjects: " + tally.count() + " calls) in the "
                        + Durations.format(window) + " window from " + Instant.ofEpochMilli(tally.start())
                        + ". CloudTrail does not record which keys a DeleteObjects call removed.",
                Severity.MEDIUM, MITRE, RUNBOOK, evidence);
    }
}
