package dev.trailwatch.detector.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The events done between the warm-up mark and the end, and the seconds that took; and the stage's rate in each
     * tenth of its events from its start (the first tenth includes the JVM's start), which shows how long its warm-up
     * lasted: a stage whose later tenths still rise was measured before it was warm.
     */
    record Rate(long events, double seconds, List<Long> tenths) {
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
        return measure(stage, total, warmup, done, alive, timeout, pollEvery, Clock.REAL);
    }

    /** Time as {@link #measure} reads and waits for it. */
    interface Clock {
        Clock REAL = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis());
            }
        };

        long nanoTime();

        void sleep(Duration duration) throws InterruptedException;
    }

    static Rate measure(String stage, long total, double warmup, LongSupplier done, BooleanSupplier alive,
                        Duration timeout, Duration pollEvery, Clock clock) throws InterruptedException {
        long mark = Math.max(1, Math.round(total * warmup));
        long start = clock.nanoTime();
        long deadline = start + timeout.toNanos();
        long markCount = -1;
        long markNanos = 0;
        List<Long> tenths = new ArrayList<>();
        long tenthCount = 0;
        long tenthNanos = start;
        while (true) {
            long count = done.getAsLong();
            long now = clock.nanoTime();
            if (markCount < 0 && count >= mark) {
                markCount = count;
                markNanos = now;
            }
            // A poll may cross several tenths at once (a short run): each gets the rate since the last one noted.
            while (tenths.size() < 10 && count >= total * (tenths.size() + 1) / 10 && now > tenthNanos) {
                tenths.add(Math.round((count - tenthCount) / ((now - tenthNanos) / 1e9)));
                if (count < total * (tenths.size() + 1) / 10) {
                    tenthCount = count;
                    tenthNanos = now;
                }
            }
            if (count >= total) {
                return new Rate(total - markCount, (now - markNanos) / 1e9, List.copyOf(tenths));
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(stage + " stage stopped at " + Math.max(0, count) + " of " + total
                        + " events");
            }
            if (now > deadline) {
                throw new IllegalStateException(stage + " stage timed out at " + Math.max(0, count) + " of " + total
                        + " events");
            }
            clock.sleep(pollEvery);
        }
    }
}
