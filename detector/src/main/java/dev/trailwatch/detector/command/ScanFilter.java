package dev.trailwatch.detector.command;

import dev.trailwatch.detector.pipeline.TrailObject;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What a hunt narrows a scan to: an event-time range {@code [since, until)}, accounts and regions (empty: all). Files
 * named the CloudTrail way are skipped by name (and, in S3, never listed); records are checked one by one.
 *
 * @param deliveryLag how long after an event CloudTrail may deliver the file that holds it: a file delivered before
 *                    {@code since} holds nothing at or after it, an S3 object delivered after
 *                    {@code until + deliveryLag} nothing before it (local files are read whatever their name's time:
 *                    a local tree may hold exports re-packed by day under CloudTrail's names)
 */
record ScanFilter(Instant since, Instant until, Set<String> accounts, Set<String> regions, Duration deliveryLag) {

    ScanFilter {
        if (since != null && until != null && !until.isAfter(since)) {
            throw new IllegalArgumentException("--until " + until + " is not after --since " + since);
        }
        accounts = Set.copyOf(accounts);
        regions = Set.copyOf(regions);
    }

    boolean mayHold(TrailObject object) {
        var name = object.parsed();
        if (name == null) {
            return true;
        }
        if (!accounts.isEmpty() && !accounts.contains(name.account())
                || !regions.isEmpty() && !regions.contains(name.region())) {
            return false;
        }
        // Past --until only S3 objects are skipped by name: CloudTrail writes those within minutes of their events,
        // while local files named the same way may be exports re-packed by day (the bundled samples hold days each)
        return (since == null || !name.deliveredAt().isBefore(since))
                && (until == null || !"s3".equals(object.source())
                        || !name.deliveredAt().isAfter(until.plus(deliveryLag)));
    }

    boolean accepts(CloudTrailRecord record) {
        long t = record.eventTimeMillis();
        if (t >= 0 && (since != null && t < since.toEpochMilli() || until != null && t >= until.toEpochMilli())) {
            return false;
        }
        return (accounts.isEmpty() || accounts.contains(record.recipientAccountId()))
                && (regions.isEmpty() || regions.contains(record.awsRegion()));
    }

    boolean narrows() {
        return since != null || until != null || !accounts.isEmpty() || !regions.isEmpty();
    }
}
