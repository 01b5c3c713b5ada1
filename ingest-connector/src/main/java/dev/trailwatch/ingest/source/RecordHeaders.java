package dev.trailwatch.ingest.source;

/** Names of the Kafka record headers every ingested record carries (values are UTF-8 strings). */
public final class RecordHeaders {

    /** {@code s3}, {@code eventbridge} or {@code file}. */
    public static final String SOURCE = "trailwatch.source";
    public static final String BUCKET = "trailwatch.bucket";
    /** The S3 object key, or the local file path. */
    public static final String OBJECT = "trailwatch.object";
    /** The SQS queue URL the notice or event came from. */
    public static final String QUEUE = "trailwatch.queue";
    /** The SQS message id. */
    public static final String MESSAGE = "trailwatch.message";
    /**
     * Epoch millis at which the record was handed to Kafka: the detector measures produce-to-alert latency from it
     * ({@code trailwatch_detection_latency_seconds{stage="ingest"}}).
     */
    public static final String INGESTED_AT = "trailwatch.ingested-at";

    private RecordHeaders() {
    }
}
