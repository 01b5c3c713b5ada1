package dev.trailwatch.ingest.source;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An SQS message being ingested. It may be deleted once it has been read to its end and every record it produced is
 * acknowledged by Kafka; until then its visibility is extended. An abandoned message (an S3 read failed) is left to
 * become visible again, so that it is redelivered and its files are read again.
 */
final class InFlightMessage {

    final String queueUrl;
    final String messageId;
    final String receiptHandle;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private volatile boolean readingDone;
    private volatile boolean abandoned;
    private volatile long visibleUntilNanos;

    InFlightMessage(String queueUrl, String messageId, String receiptHandle, long visibleUntilNanos) {
        this.queueUrl = queueUrl;
        this.messageId = messageId;
        this.receiptHandle = receiptHandle;
        this.visibleUntilNanos = visibleUntilNanos;
    }

    void emitted() {
        emitted.incrementAndGet();
    }

    /** @return true when this ack completed the message */
    boolean acked() {
        acked.incrementAndGet();
        return complete();
    }

    void readingDone() {
        readingDone = true;
    }

    void abandon() {
        abandoned = true;
    }

    boolean abandoned() {
        return abandoned;
    }

    boolean complete() {
        return readingDone && !abandoned && acked.get() >= emitted.get();
    }

    long visibleUntilNanos() {
        return visibleUntilNanos;
    }

    void extendedUntil(long nanos) {
        visibleUntilNanos = nanos;
    }

    long emittedCount() {
        return emitted.get();
    }
}
