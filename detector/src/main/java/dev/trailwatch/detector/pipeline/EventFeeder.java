package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import dev.trailwatch.ingest.source.RecordHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces CloudTrail records read from files into the input topic the way the ingest connector does: key =
 * recipientAccountId, timestamp = eventTime, value = the record's bytes unchanged, a {@code trailwatch.source} header.
 * Unreadable files and records are reported to {@code onRejected} and counted; they never stop the feed.
 */
public final class EventFeeder implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final BiConsumer<String, String> onRejected;
    private final CloudTrailFileReader reader = new CloudTrailFileReader();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public EventFeeder(String bootstrapServers, String topic, BiConsumer<String, String> onRejected) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.onRejected = onRejected;
    }

    public void feed(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            feed(in, file.toString(), "file");
        }
    }

    /** Feeds one stream of CloudTrail records (a log file's content, plain or gzip). */
    public void feed(InputStream in, String location, String source) throws IOException {
        reader.read(in, location, sink(source));
    }

    /** Where records read elsewhere are handed in: each is produced, each rejection reported and counted. */
    public RecordSink sink(String source) {
        byte[] sourceHeader = source.getBytes(StandardCharsets.UTF_8);
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                send(record, sourceHeader);
            }

            @Override
            public void rejected(String where, String reason) {
                rejected.incrementAndGet();
                onRejected.accept(where, reason);
            }
        };
    }

    private void send(CloudTrailRecord record, byte[] sourceHeader) {
        long timestamp = record.eventTimeMillis() >= 0 ? record.eventTimeMillis() : System.currentTimeMillis();
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, null, timestamp,
                record.recipientAccountId(), record.json());
        out.headers().add(RecordHeaders.SOURCE, sourceHeader);
        out.headers().add(RecordHeaders.INGESTED_AT,
                Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        producer.send(out, (metadata, error) -> {
            if (error != null) {
                failed.incrementAndGet();
                rejected.incrementAndGet();
                onRejected.accept(record.location(), "cannot produce: " + error.getMessage());
            }
        });
        sent.incrementAndGet();
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
