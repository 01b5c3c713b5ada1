package dev.trailwatch.detector.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class ThroughputTest {

    /** A stage whose count follows {@code countAt} (events done by that many milliseconds), polled every 100 ms. */
    private static Throughput.Rate run(long total, double warmup, LongUnaryOperator countAt)
            throws InterruptedException {
        long[] nanos = {0};
        Throughput.Clock clock = new Throughput.Clock() {
            @Override
            public long nanoTime() {
                return nanos[0];
            }

            @Override
            public void sleep(Duration duration) {
                nanos[0] += duration.toNanos();
            }
        };
        return Throughput.measure("stage", total, warmup,
                () -> Math.min(total, countAt.applyAsLong(nanos[0] / 1_000_000)), () -> true,
                Duration.ofHours(1), Duration.ofMillis(100), clock);
    }

    @Test
    void theRateLeavesOutTheWarmUpAndEachTenthShowsItsOwn() throws InterruptedException {
        // 1,000 events/s for the first 10 s (10,000 events), then 4,000 events/s: 40,000 events in all.
        Throughput.Rate rate = run(40_000, 0.5, ms -> ms <= 10_000 ? ms : 10_000 + 4 * (ms - 10_000));

        assertThat(rate.perSecond()).isEqualTo(4_000); // the second half: all of it at the warm rate
        // The third tenth (8,000 to 12,000 events) took 2 s at the cold rate and 0.5 s at the warm one.
        assertThat(rate.tenths()).containsExactly(1_000L, 1_000L, 1_600L, 4_000L, 4_000L, 4_000L, 4_000L, 4_000L,
                4_000L, 4_000L);
    }

    @Test
    void aPollCrossingSeveralTenthsGivesEachTheRateSinceTheLastPollNoted()
            throws InterruptedException {
        // 1,000 events a poll (10,000 events/s) over 2,000 events: every poll crosses five tenths.
        Throughput.Rate rate = run(2_000, 0.5, ms -> ms / 100 * 1_000);

        assertThat(rate.tenths()).hasSize(10).containsOnly(10_000L);
        assertThat(rate.perSecond()).isEqualTo(10_000);
    }

    @Test
    void aStageThatStopsIsNamed() {
        assertThatThrownBy(() -> Throughput.measure("detector", 1_000, 0.5, () -> 10, () -> false,
                Duration.ofHours(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("detector stage stopped at 10 of 1000 events");
    }
}
