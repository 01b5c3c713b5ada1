package dev.trailwatch.detector.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Events/s of one stage over its steady part: from the moment a warm-up share of the events was done to the last.
 * The first events of a stage pay for JIT compilation, consumer-group joins and state-store opening, which on two
 * cores weigh on a short run: the JIT's compiler threads took 40-50% of the CPU in a 300,000-event run, where the
 * detector read 36,000 events/s, against 100,000 over the second half of 2,000,000. Every stage is measured the
 * same way, so their ratios hold.
 */
final class Throughput {

    private Throughput() {
    }

    /** The events done between the warm-up mark and the end, and the seconds that took. */
    record Rate(long events, double seconds) {
        long perSecond() {
            return seconds <= 0 ? 0 : Math.round(events / seconds);
        }
    }

    /**
     * Polls {@code done} until it reaches {@code total}.
     *
     * @param warmup share of {@code total} (0 to 0.9) left out of the rate
     * @param alive  false when the stage died, which ends the wait with an error naming the stage
     */
    static Rate measure(String stage, long total, double warmup, LongSupplier done, BooleanSupplier alive,
                        Duration timeout, Duration pollEvery) throws InterruptedException {
        long mark = Math.max(1, Math.round(total * warmup));
        long deadline = System.nanoTime() + timeout.toNanos();
        long markCount = -1;
        long markNanos = 0;
        while (true) {
            long count = done.getAsLong();
            long now = System.nanoTime();
            if (markCount < 0 && count >= mark) {
                markCount = count;
                markNanos = now;
            }
            if (count >= total) {
                return new Rate(total - markCount, (now - markNanos) / 1e9);
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(stage + " stage stopped at " + Math.max(0, count) + " of " + total
                        + " events");
            }
            if (now > deadline) {
                throw new IllegalStateException(stage + " stage timed out at " + Math.max(0, count) + " of " + total
                        + " events");
            }
            Thread.sleep(pollEvery.toMillis());
        }
    }
}
