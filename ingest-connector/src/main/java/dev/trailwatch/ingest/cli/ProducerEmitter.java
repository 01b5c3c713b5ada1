package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.source.EventTimeBounds;
import dev.trailwatch.ingest.source.IngestRecord;
import dev.trailwatch.ingest.source.RecordEmitter;
import dev.trailwatch.ingest.source.WireFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each record with the producer; a record counts (and releases its SQS message) once Kafka acknowledges it.
 * A record whose eventTime the topic would refuse or expire is rejected before it is sent (and written to the dead
 * letter topic, when one is given); one the broker refuses anyway (too large) is rejected too. Both count in the
 * summary's "rejected"; neither stops the run.
 */
final class ProducerEmitter implements RecordEmitter {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerEmitter.class);

    private final Producer<String, byte[]> producer;
    private final EventTimeBounds bounds;
    private final String deadLetterTopic;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    ProducerEmitter(Producer<String, byte[]> producer) {
        this(producer, EventTimeBounds.NONE, null);
    }

    /** @param deadLetterTopic where rejected records go, or null to only count and log them */
    ProducerEmitter(Producer<String, byte[]> producer, EventTimeBounds bounds, String deadLetterTopic) {
        this.producer = producer;
        this.bounds = bounds;
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public void emit(IngestRecord r) {
        Exception failed = sendFailure.get();
        if (failed != null) {
            throw new IllegalStateException("Kafka send failed: " + failed.getMessage(), failed);
        }
        EventTimeBounds.Violation violation = bounds.check(r.record(), System.currentTimeMillis());
        if (violation != null) {
            rejected(r.record().location(), violation.tag() + ": " + violation.detail());
            if (deadLetterTopic == null) {
                r.committed();
            } else {
                send(EventTimeBounds.deadLetter(r, deadLetterTopic, violation), true);
            }
            return;
        }
        send(r, false);
    }

    private void send(IngestRecord r, boolean deadLetter) {
        // A dead letter comes unstamped (EventTimeBounds.deadLetter): Kafka stamps it when it is written.
        ProducerRecord<String, byte[]> record = WireFormat.producerRecord(r.topic(), r.record(), r.headers(),
                System.currentTimeMillis());
        producer.send(record, (metadata, e) -> {
            if (e instanceof RecordTooLargeException || e instanceof InvalidTimestampException) {
                // this record's problem, not the run's: count it and go on
                rejected(r.record().location(), "Kafka refused it: " + e.getMessage());
                r.committed();
            } else if (e != null) {
                sendFailure.compareAndSet(null, e);
            } else {
                (deadLetter ? deadLettered : acked).incrementAndGet();
                r.committed();
            }
        });
    }

    @Override
    public void rejected(String location, String reason) {
        rejected.incrementAndGet();
        LOG.warn("rejected {}: {}", location, reason);
    }

    long acked() {
        return acked.get();
    }

    long rejectedCount() {
        return rejected.get();
    }

    long deadLettered() {
        return deadLettered.get();
    }

    Exception sendFailure() {
        return sendFailure.get();
    }
}
