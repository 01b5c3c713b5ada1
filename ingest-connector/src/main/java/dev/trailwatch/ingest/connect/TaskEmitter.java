package dev.trailwatch.ingest.connect;

import dev.trailwatch.ingest.source.EventTimeBounds;
import dev.trailwatch.ingest.source.IngestRecord;
import dev.trailwatch.ingest.source.RecordEmitter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader thread's side of the task buffer: blocks while it is full, paces to the optional rate limit. A record
 * whose eventTime the topic would refuse or expire is rejected here: to the dead-letter topic when one is set (through
 * the buffer, so its source offset is committed like any other), else counted, logged and released.
 */
final class TaskEmitter implements RecordEmitter {

    private static final Logger LOG = LoggerFactory.getLogger(TaskEmitter.class);

    private final BlockingQueue<IngestRecord> buffer;
    private final long nanosPerRecord;
    private final EventTimeBounds bounds;
    private final String deadLetterTopic;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private long nextSlot = System.nanoTime();

    TaskEmitter(BlockingQueue<IngestRecord> buffer, int maxRecordsPerSecond) {
        this(buffer, maxRecordsPerSecond, EventTimeBounds.NONE, null);
    }

    /** @param deadLetterTopic where rejected records go, or null */
    TaskEmitter(BlockingQueue<IngestRecord> buffer, int maxRecordsPerSecond, EventTimeBounds bounds,
                String deadLetterTopic) {
        this.buffer = buffer;
        this.bounds = bounds;
        this.deadLetterTopic = deadLetterTopic;
        this.nanosPerRecord = maxRecordsPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / maxRecordsPerSecond;
    }

    @Override
    public void emit(IngestRecord record) throws InterruptedException {
        if (nanosPerRecord > 0) {
            pace();
        }
        EventTimeBounds.Violation violation = bounds.check(record.record(), System.currentTimeMillis());
        if (violation != null) {
            rejected(record.record().location(), violation.tag() + ": " + violation.detail());
            if (deadLetterTopic == null) {
                record.committed();
            } else {
                buffer.put(EventTimeBounds.deadLetter(record, deadLetterTopic, violation));
            }
            return;
        }
        buffer.put(record);
        emitted.incrementAndGet();
    }

    private void pace() throws InterruptedException {
        long now = System.nanoTime();
        nextSlot = Math.max(nextSlot + nanosPerRecord, now - TimeUnit.MILLISECONDS.toNanos(100));
        long wait = nextSlot - now;
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    @Override
    public void rejected(String location, String reason) {
        rejected.incrementAndGet();
        LOG.warn("rejected {}: {}", location, reason);
    }

    long emitted() {
        return emitted.get();
    }

    long rejected() {
        return rejected.get();
    }
}
