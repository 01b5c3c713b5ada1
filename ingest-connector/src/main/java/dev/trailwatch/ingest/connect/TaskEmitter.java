package dev.trailwatch.ingest.connect;

import dev.trailwatch.ingest.source.IngestRecord;
import dev.trailwatch.ingest.source.RecordEmitter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The reader thread's side of the task buffer: blocks while it is full, paces to the optional rate limit. */
final class TaskEmitter implements RecordEmitter {

    private static final Logger LOG = LoggerFactory.getLogger(TaskEmitter.class);

    private final BlockingQueue<IngestRecord> buffer;
    private final long nanosPerRecord;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private long nextSlot = System.nanoTime();

    TaskEmitter(BlockingQueue<IngestRecord> buffer, int maxRecordsPerSecond) {
        this.buffer = buffer;
        this.nanosPerRecord = maxRecordsPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / maxRecordsPerSecond;
    }

    @Override
    public void emit(IngestRecord record) throws InterruptedException {
        if (nanosPerRecord > 0) {
            pace();
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
