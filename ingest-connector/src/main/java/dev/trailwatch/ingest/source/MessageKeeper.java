package dev.trailwatch.ingest.source;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Looks after in-flight SQS messages on a thread of its own: deletes each one as soon as it is complete, extends the
 * visibility of those still being read or awaiting acknowledgements (at half the visibility timeout), and forgets
 * abandoned ones so that SQS redelivers them.
 */
final class MessageKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageKeeper.class);

    private final SqsClient sqs;
    private final Duration visibility;
    private final Map<String, InFlightMessage> inFlight = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trailwatch-sqs-keeper");
        t.setDaemon(true);
        return t;
    });

    MessageKeeper(SqsClient sqs, Duration visibility) {
        this.sqs = sqs;
        this.visibility = visibility;
        long tick = Math.max(200, Math.min(1000, visibility.toMillis() / 4));
        executor.scheduleWithFixedDelay(this::maintain, tick, tick, TimeUnit.MILLISECONDS);
    }

    InFlightMessage track(String queueUrl, Message m) {
        InFlightMessage msg = new InFlightMessage(queueUrl, m.messageId(), m.receiptHandle(),
                System.nanoTime() + visibility.toNanos());
        inFlight.put(m.receiptHandle(), msg);
        return msg;
    }

    /** Called from Kafka's callback thread: must stay cheap. */
    void acked(InFlightMessage msg) {
        if (msg.acked()) {
            executor.execute(this::maintain);
        }
    }

    /** Reading of the message ended (done or abandoned). */
    void settle(InFlightMessage msg) {
        if (msg.complete() || msg.abandoned()) {
            executor.execute(this::maintain);
        }
    }

    /** @return true once nothing is in flight (or false after the timeout) */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
                wait(100);
            }
            return inFlight.isEmpty();
        }
    }

    private void maintain() {
        long now = System.nanoTime();
        for (InFlightMessage msg : inFlight.values()) {
            try {
                if (msg.complete()) {
                    sqs.deleteMessage(b -> b.queueUrl(msg.queueUrl).receiptHandle(msg.receiptHandle));
                    forget(msg);
                } else if (msg.abandoned()) {
                    forget(msg);
                } else if (msg.visibleUntilNanos() - now < visibility.toNanos() / 2) {
                    sqs.changeMessageVisibility(b -> b.queueUrl(msg.queueUrl).receiptHandle(msg.receiptHandle)
                            .visibilityTimeout((int) visibility.toSeconds()));
                    msg.extendedUntil(now + visibility.toNanos());
                }
            } catch (SdkException e) {
                LOG.warn("SQS message {} on {}: {}", msg.messageId, msg.queueUrl, e.toString());
            }
        }
    }

    private void forget(InFlightMessage msg) {
        inFlight.remove(msg.receiptHandle);
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!executor.isTerminated()) {
            executor.shutdownNow();
        }
        maintainOnce();
    }

    private void maintainOnce() {
        for (InFlightMessage msg : inFlight.values()) {
            if (msg.complete()) {
                try {
                    sqs.deleteMessage(b -> b.queueUrl(msg.queueUrl).receiptHandle(msg.receiptHandle));
                    forget(msg);
                } catch (SdkException e) {
                    LOG.warn("SQS message {}: not deleted: {}", msg.messageId, e.toString());
                }
            }
        }
    }
}
