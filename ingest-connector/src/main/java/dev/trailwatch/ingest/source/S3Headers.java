package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.s3.S3ObjectRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Headers of records read from an S3 object, optionally announced by an SQS message. */
final class S3Headers {

    private S3Headers() {
    }

    static Map<String, String> of(S3ObjectRef object, String queue, String messageId) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(RecordHeaders.SOURCE, "s3");
        h.put(RecordHeaders.BUCKET, object.bucket());
        h.put(RecordHeaders.OBJECT, object.key());
        if (queue != null) {
            h.put(RecordHeaders.QUEUE, queue);
            h.put(RecordHeaders.MESSAGE, messageId);
        }
        return Collections.unmodifiableMap(h);
    }
}
