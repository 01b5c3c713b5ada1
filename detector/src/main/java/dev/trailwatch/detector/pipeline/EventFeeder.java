package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import dev.trailwatch.ingest.source.RecordHeaders;
import dev.trailwatch.ingest.source.WireFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces CloudTrail records into the input topic by the ingest module's {@link WireFormat}, exactly as the
 * connector does (key, eventTime timestamp, bytes unchanged, source headers). Send failures and reader rejections are
 * reported to {@code onRejected} and counted; they never stop the feed.
 *
 * <p>It only ever writes to the in-process broker, over loopback: uncompressed (LZ4 here was compressed by this
 * thread and decompressed again by the broker and by the stream thread: CPU spent on a 2-core machine for no saved
 * bandwidth), in 1 MB batches.
 */
public final class EventFeeder implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final BiConsumer<String, String> onRejected;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public EventFeeder(String bootstrapServers, String topic, BiConsumer<String, String> onRejected) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 1000 * 1024),
                new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.onRejected = onRejected;
    }

    /** Where records read elsewhere are handed in: each is produced, each rejection reported and counted. */
    public RecordSink sink(String source) {
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                send(record, source);
            }

            @Override
            public void rejected(String where, String reason) {
                EventFeeder.this.rejected(where, reason);
            }
        };
    }

    /** Produces one record read from {@code source} ({@code file}, {@code s3}). */
    public void send(CloudTrailRecord record, String source) {
        producer.send(WireFormat.producerRecord(topic, record, sourceHeaders(record, source),
                        System.currentTimeMillis()),
                (metadata, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        rejected(record.location(), "cannot produce: " + error.getMessage());
                    }
                });
        sent.incrementAndGet();
    }

    /**
     * The source headers of a record read from {@code source} ({@code file}, {@code s3}): the source and the object
     * it came from (its location without the record's {@code #index}). Also what {@code scan}'s driver sends.
     */
    public static Map<String, String> sourceHeaders(CloudTrailRecord record, String source) {
        String location = record.location();
        int slot = location.lastIndexOf('#');
        return Map.of(RecordHeaders.SOURCE, source,
                RecordHeaders.OBJECT, slot < 0 ? location : location.substring(0, slot));
    }

    /** A record or file that could not be read. */
    public void rejected(String where, String reason) {
        rejected.incrementAndGet();
        onRejected.accept(where, reason);
    }

    public void flush() {
        producer.flush();
    }

    /** Records handed to the producer. */
    public long sent() {
        return sent.get();
    }

    /** Records the broker acknowledged (or will: call after {@link #flush()}). */
    public long delivered() {
        return sent.get() - failed.get();
    }

    /** Records and files the reader could not read, plus sends that failed. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
