package dev.trailwatch.detector.deadletter;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety net for a record whose key or value a source cannot deserialize (the input topic itself is read as raw
 * bytes, so this guards internal topics): dead-letter it with reason {@code processing_error}, count it, go on.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private String topic;
    private RejectionCounter metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        topic = String.valueOf(configs.get(DeadLetterProcessingHandler.DLQ_TOPIC_CONFIG));
        metrics = (RejectionCounter) configs.get(DeadLetterProcessingHandler.METRICS_CONFIG);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        String origin = record.topic() + "-" + record.partition() + "@" + record.offset();
        LOG.error("cannot deserialize record {}; sent to {}", origin, topic, exception);
        if (metrics != null) {
            metrics.eventRejected(RejectReason.PROCESSING_ERROR);
        }
        return Response.resume(List.of(DeadLetters.record(topic, record.key(), record.value(), record.headers(),
                RejectReason.PROCESSING_ERROR, "deserialization: " + exception, origin)));
    }
}
