package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** scan starts the broker and detector while it reads: nothing started is left running, no failure is lost. */
class BackgroundStartTest {

    @Test
    void closingWaitsForAStartUnderWayAndClosesWhatItStarted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        BackgroundStart<AutoCloseable> start = BackgroundStart.begin("test-start", () -> {
            release.await(10, TimeUnit.SECONDS);
            return () -> closed.set(true);
        });
        Thread closer = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            // the start finishes only once close() is waiting for it
            await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.WAITING
                    || closer.getState() == Thread.State.TIMED_WAITING);
            release.countDown();
        });
        releaser.start();

        start.close();

        assertThat(closed).isTrue();
    }

    @Test
    void aFailedStartIsRethrownByGetAndFailFastAndClosingItIsQuiet() throws Exception {
        BackgroundStart<AutoCloseable> start = BackgroundStart.begin("test-start", () -> {
            throw new IllegalStateException("the detector did not reach RUNNING within 90 s");
        });

        assertThatThrownBy(start::get).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not reach RUNNING");
        assertThatThrownBy(start::failFast).hasMessageContaining("did not reach RUNNING");
        start.close();
    }

    @Test
    void failFastSaysNothingWhileTheStartIsStillUnderWay() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (BackgroundStart<AutoCloseable> start = BackgroundStart.begin("test-start", () -> {
            release.await(10, TimeUnit.SECONDS);
            return () -> { };
        })) {
            start.failFast();
            release.countDown();
            assertThat(start.get()).isNotNull();
        }
    }
}
