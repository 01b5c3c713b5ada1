package dev.trailwatch.detector.deadletter;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety net for a record Kafka refuses to store (too large for the topic, a timestamp outside what the broker
 * accepts, ...): one such record must not stop the detector.
 *
 * <p>Under exactly-once (the default) the failed write has already doomed the open transaction, so the record cannot
 * simply be skipped: the input record that produced it (its {@link #ORIGIN_HEADER}) goes into the {@link Quarantine}
 * and the handler fails; the stream thread is replaced, reprocesses from the last commit, and the parse step
 * dead-letters the quarantined record ({@code produce_failed}) instead of processing it again. Under at-least-once
 * the failed record itself is dead-lettered (KIP-1034) and processing resumes. Either way it is counted
 * ({@code trailwatch_produce_failures_total}) and logged.
 *
 * <p>Records without an origin (follow-up alerts built when a window closes) or from a repartitioned sub-topology
 * cannot be traced back to an input record: they are logged and counted, and the thread fails; the detector's
 * readiness then reports the stall. Their timestamps are kept within what a broker accepts, so the usual cause
 * cannot reach them.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    /** Header the parse step puts on every event: its {@code topic-partition@offset}, carried to what it produces. */
    public static final String ORIGIN_HEADER = "trailwatch.input-record";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);

    private String topic;
    private RejectionCounter metrics;
    private Quarantine quarantine;
    private boolean exactlyOnce;
    /** The error the last refused write failed with: the producer fails the transaction's other writes with it. */
    private volatile Exception lastFailure;

    @Override
    public void configure(Map<String, ?> configs) {
        topic = String.valueOf(configs.get(DeadLetterProcessingHandler.DLQ_TOPIC_CONFIG));
        metrics = (RejectionCounter) configs.get(DeadLetterProcessingHandler.METRICS_CONFIG);
        quarantine = (Quarantine) configs.get(Quarantine.CONFIG);
        Object guarantee = configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        exactlyOnce = guarantee == null || !StreamsConfig.AT_LEAST_ONCE.equals(guarantee.toString());
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (metrics != null) {
            metrics.produceFailed(record.topic());
        }
        String origin = DeadLetters.header(record.headers(), ORIGIN_HEADER);
        if (origin == null) {
            origin = DeadLetters.header(record.headers(), DeadLetters.ORIGIN);
        }
        String detail = "writing to " + record.topic() + " failed: " + exception;
        if (exactlyOnce && (exception == lastFailure || exception.getCause() != null
                && exception.getCause() == lastFailure)) {
            // Once one write is refused the producer aborts the transaction's other pending writes with that same
            // error: they are not at fault, and are processed again, not dead-lettered, after the retry.
            LOG.warn("writing to {} (origin {}) failed with the error of an earlier write of the same transaction;"
                    + " not quarantined", record.topic(), origin);
            return Response.fail();
        }
        lastFailure = exception;
        if (record.topic().equals(topic)) {
            LOG.error("cannot write a dead letter (origin {}) to {}; dropped", origin, topic, exception);
            return exactlyOnce ? quarantineAndFail(origin, detail) : Response.resume();
        }
        if (!exactlyOnce) {
            LOG.error("cannot write a record (origin {}) to {}; sent to {}", origin, record.topic(), topic, exception);
            if (metrics != null) {
                metrics.eventRejected(RejectReason.PRODUCE_FAILED);
            }
            return Response.resume(List.of(DeadLetters.record(topic, record.key(), record.value(), record.headers(),
                    RejectReason.PRODUCE_FAILED, detail, origin)));
        }
        return quarantineAndFail(origin, detail);
    }

    private Response quarantineAndFail(String origin, String detail) {
        if (origin != null && quarantine != null) {
            quarantine.add(origin, detail);
            LOG.error("{} (input record {}): the transaction aborts; the record is dead-lettered when it is "
                    + "processed again", detail, origin);
        } else {
            LOG.error("{}: no input record to dead-letter; the stream thread fails", detail);
        }
        return Response.fail();
    }
}
