package dev.trailwatch.ingest.source;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waits between polling rounds; a stop ends the wait at once. */
final class Pacer {

    private final CountDownLatch stop = new CountDownLatch(1);

    /** @return false when stopped (now or during the wait) */
    boolean await(Duration interval) throws InterruptedException {
        return !stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean stopped() {
        return stop.getCount() == 0;
    }

    void stop() {
        stop.countDown();
    }
}
