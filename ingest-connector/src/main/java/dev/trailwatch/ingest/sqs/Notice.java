package dev.trailwatch.ingest.sqs;

import dev.trailwatch.ingest.s3.S3ObjectRef;
import java.util.List;

/** What one SQS message says, whatever format and envelope it came in. */
public sealed interface Notice {

    /** New log files in S3 (CloudTrail's own notice, an S3 event notification, or EventBridge "Object Created"). */
    record ObjectsCreated(List<S3ObjectRef> objects) implements Notice {
    }

    /** One EventBridge event for CloudTrail ({@code detail-type: "... via CloudTrail"}): its record is {@code detail}. */
    record CloudTrailEvent(byte[] eventJson, boolean insight) implements Notice {
    }

    /** A well-formed message that carries nothing to ingest (e.g. {@code s3:TestEvent}, an object removal). */
    record Ignored(String reason) implements Notice {
    }

    /** A message in no known format; it is reported, then deleted, so that it does not come back forever. */
    record Unrecognized(String reason) implements Notice {
    }
}
