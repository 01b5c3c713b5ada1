package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import java.util.Map;

/**
 * A record ready for Kafka: key {@code recipientAccountId}, timestamp {@code eventTime}, value the record's bytes
 * unchanged; plus where it came from (headers) and how far the source has got (Connect source partition and offset).
 *
 * @param onCommitted run once the record is acknowledged by Kafka (e.g. to delete the SQS message), or null
 */
public record IngestRecord(CloudTrailRecord record, String topic, Map<String, String> headers,
                           Map<String, Object> sourcePartition, Map<String, Object> sourceOffset,
                           Runnable onCommitted) {

    public void committed() {
        if (onCommitted != null) {
            onCommitted.run();
        }
    }
}
