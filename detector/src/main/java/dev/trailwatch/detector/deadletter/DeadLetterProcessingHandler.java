package dev.trailwatch.detector.deadletter;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety net for a record that makes a processor throw (a bug, or input no test foresaw): the input record's
 * original bytes go to the dead-letter topic with reason {@code processing_error} and the exception, it is counted,
 * and processing resumes with the next record. Nothing is skipped silently and one bad record cannot stop the app.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    /** Streams property carrying the dead-letter topic name. */
    public static final String DLQ_TOPIC_CONFIG = "trailwatch.dlq.topic";
    /** Streams property carrying the {@link RejectionCounter} (the metrics) (an object, not a string). */
    public static final String METRICS_CONFIG = "trailwatch.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private String topic;
    private RejectionCounter metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        topic = String.valueOf(configs.get(DLQ_TOPIC_CONFIG));
        metrics = (RejectionCounter) configs.get(METRICS_CONFIG);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String origin = context.topic() + "-" + context.partition() + "@" + context.offset();
        LOG.error("processor {} failed on record {}; sent to {}", context.processorNodeId(), origin, topic, exception);
        if (metrics != null) {
            metrics.eventRejected(RejectReason.PROCESSING_ERROR);
        }
        return Response.resume(List.of(DeadLetters.record(topic, context.sourceRawKey(), context.sourceRawValue(),
                context.headers(), RejectReason.PROCESSING_ERROR,
                context.processorNodeId() + ": " + exception, origin)));
    }
}
