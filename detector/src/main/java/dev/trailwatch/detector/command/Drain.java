package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.pipeline.AlertCollector;
import dev.trailwatch.detector.pipeline.Completion;
import dev.trailwatch.detector.pipeline.LocalPipeline;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * Waits until everything fed has been processed, flushed and collected (see {@link Completion}: by work done, not by
 * a quiet spell); fails loudly rather than cut output short.
 */
final class Drain {

    /** How often the time-holding processors check the flush signal. */
    private static final Duration FLUSH_CHECK = Duration.ofMillis(200);
    private static final int MAX_FLUSH_ROUNDS = 50;

    private final LocalPipeline pipeline;
    private final Duration timeout;

    Drain(LocalPipeline pipeline, Duration timeout) {
        this.pipeline = pipeline;
        this.timeout = timeout;
    }

    void await(FlushSignal flush, AlertCollector collector) throws InterruptedException, ExecutionException {
        String input = pipeline.config().get(Settings.TOPIC_EVENTS);
        try (Completion completion = new Completion(pipeline.bootstrapServers(), pipeline.config().applicationId(),
                pipeline.detector(), FLUSH_CHECK, pipeline.commitInterval())) {
            if (!completion.awaitProcessed(input, timeout)) {
                throw new IllegalStateException("the detector did not process every record within "
                        + timeout.toMinutes() + " minutes");
            }
            if (flush.enabled() && !completion.flushUntilDone(flush, input, MAX_FLUSH_ROUNDS, timeout)) {
                throw new IllegalStateException("the detector kept writing after " + MAX_FLUSH_ROUNDS
                        + " flush rounds");
            }
        }
        if (!collector.awaitCaughtUp(Duration.ofMinutes(1))) {
            throw new IllegalStateException("could not read back every alert from the alerts topic");
        }
    }
}
