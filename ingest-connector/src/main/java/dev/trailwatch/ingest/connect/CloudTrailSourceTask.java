package dev.trailwatch.ingest.connect;

import dev.trailwatch.ingest.source.EventTimeBounds;
import dev.trailwatch.ingest.source.IngestRecord;
import dev.trailwatch.ingest.source.IngestSource;
import dev.trailwatch.ingest.source.KeyOffset;
import dev.trailwatch.ingest.source.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link IngestSource} on a reader thread that fills a bounded buffer; {@link #poll()} hands the buffer to
 * Connect in batches. Records that wait for Kafka's acknowledgement (SQS messages are deleted only then) are released
 * in {@link #commitRecord}. Values are the record's bytes ({@code BYTES} schema; use the ByteArrayConverter), keys are
 * the account id ({@code STRING}; use the StringConverter).
 */
public final class CloudTrailSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(CloudTrailSourceTask.class);
    private static final long POLL_WAIT_MS = 500;

    private BlockingQueue<IngestRecord> buffer;
    private final Map<SourceRecord, IngestRecord> awaitingAck = Collections.synchronizedMap(new IdentityHashMap<>());
    private IngestSource source;
    private TaskEmitter emitter;
    private Thread readerThread;
    private volatile Throwable failure;
    private int batchMax;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        CloudTrailSourceConfig config = new CloudTrailSourceConfig(props);
        batchMax = config.getInt(CloudTrailSourceConfig.BATCH_MAX_RECORDS);
        buffer = new ArrayBlockingQueue<>(config.getInt(CloudTrailSourceConfig.BUFFER_MAX_RECORDS));
        String deadLetters = config.getString(CloudTrailSourceConfig.DEAD_LETTER_TOPIC).trim();
        emitter = new TaskEmitter(buffer, config.getInt(CloudTrailSourceConfig.MAX_RECORDS_PER_SECOND),
                new EventTimeBounds(config.getLong(CloudTrailSourceConfig.EVENT_TIME_MAX_FUTURE_MS),
                        config.getLong(CloudTrailSourceConfig.EVENT_TIME_MAX_AGE_MS)),
                deadLetters.isEmpty() ? null : deadLetters);
        source = SourceFactory.create(config, p -> KeyOffset.fromMap(context.offsetStorageReader().offset(p)));
        readerThread = new Thread(this::readAll, "trailwatch-ingest-" + config.sourceType());
        readerThread.setDaemon(true);
        readerThread.start();
    }

    private void readAll() {
        try {
            source.run(emitter);
            LOG.info("source finished: {} records, {} rejected", emitter.emitted(), emitter.rejected());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (!Thread.currentThread().isInterrupted()) {
                LOG.error("source failed", e);
                failure = e;
            }
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        IngestRecord first = buffer.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS);
        if (first == null) {
            if (failure != null) {
                throw new ConnectException("CloudTrail source failed: " + failure.getMessage(), failure);
            }
            return null;
        }
        List<IngestRecord> batch = new ArrayList<>(Math.min(batchMax, buffer.size() + 1));
        batch.add(first);
        buffer.drainTo(batch, batchMax - 1);
        List<SourceRecord> records = new ArrayList<>(batch.size());
        for (IngestRecord r : batch) {
            SourceRecord record = toSourceRecord(r);
            if (r.onCommitted() != null) {
                awaitingAck.put(record, r);
            }
            records.add(record);
        }
        return records;
    }

    static SourceRecord toSourceRecord(IngestRecord r) {
        ConnectHeaders headers = new ConnectHeaders();
        WireFormat.headers(r.headers(), System.currentTimeMillis())
                .forEach(h -> headers.addString(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return new SourceRecord(r.sourcePartition(), r.sourceOffset(), r.topic(), null,
                Schema.OPTIONAL_STRING_SCHEMA, WireFormat.key(r.record()), Schema.BYTES_SCHEMA, r.record().json(),
                WireFormat.timestamp(r.record()), headers);
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        IngestRecord r = awaitingAck.remove(record);
        if (r != null) {
            r.committed();
        }
    }

    @Override
    public void stop() {
        if (source != null) {
            source.stop();
        }
        if (readerThread != null) {
            readerThread.interrupt();
            try {
                readerThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (source != null) {
            source.close();
        }
    }
}
