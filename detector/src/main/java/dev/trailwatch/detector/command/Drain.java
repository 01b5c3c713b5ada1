package dev.trailwatch.detector.command;

import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.pipeline.AlertCollector;
import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.detector.pipeline.Quiescence;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/** Waits until everything fed has been processed, flushed and collected; fails loudly rather than cut output short. */
final class Drain {

    private static final Duration QUIET_PERIOD = Duration.ofMillis(700);

    private final String bootstrapServers;
    private final Duration timeout;

    Drain(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    void await(EventFeeder feeder, TrailWatchMetrics metrics, FlushSignal flush, AlertCollector collector)
            throws InterruptedException, ExecutionException {
        try (Quiescence quiescence = new Quiescence(bootstrapServers, QUIET_PERIOD)) {
            long fed = feeder.delivered();
            if (!quiescence.awaitParsed(fed, () -> metrics.eventsRead() + metrics.eventsRejected(), timeout)) {
                throw new IllegalStateException("the detector did not read all " + fed + " records within "
                        + timeout.toMinutes() + " minutes");
            }
            if (flush.enabled() && !quiescence.flushUntilQuiet(flush, 50)) {
                throw new IllegalStateException("the detector kept writing after 50 flush rounds");
            }
        }
        if (!collector.awaitCaughtUp(Duration.ofMinutes(1))) {
            throw new IllegalStateException("could not read back every alert from the alerts topic");
        }
    }
}
