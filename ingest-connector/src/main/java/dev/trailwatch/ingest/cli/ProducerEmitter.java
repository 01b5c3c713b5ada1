package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.source.IngestRecord;
import dev.trailwatch.ingest.source.RecordEmitter;
import dev.trailwatch.ingest.source.WireFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends each record with the producer; a record counts (and releases its SQS message) once Kafka acknowledges it. */
final class ProducerEmitter implements RecordEmitter {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerEmitter.class);

    private final Producer<String, byte[]> producer;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    ProducerEmitter(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    @Override
    public void emit(IngestRecord r) {
        Exception failed = sendFailure.get();
        if (failed != null) {
            throw new IllegalStateException("Kafka send failed: " + failed.getMessage(), failed);
        }
        ProducerRecord<String, byte[]> record = WireFormat.producerRecord(r.topic(), r.record(), r.headers(),
                System.currentTimeMillis());
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                sendFailure.compareAndSet(null, e);
            } else {
                acked.incrementAndGet();
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

    Exception sendFailure() {
        return sendFailure.get();
    }
}
