package dev.trailwatch.detector.detect.kit;

import java.time.Duration;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Bounds, in wall-clock time, how long an event folded into an alert already sent waits to be reported. A window
 * (suppression, burst) closes when event time passes its end; on a partition that goes quiet event time stops, and
 * without a bound its folded events would never be reported. So a processor remembers, per open window, since when
 * (wall clock) it holds unreported events, and a wall-clock punctuator sends an update of the alert (same alertId,
 * everything folded so far) once that is older than {@code alerts.report-within}.
 *
 * <p>What is reported does not depend on timing: an update is the alert with every event folded so far, and the
 * window's last update (when event time closes it) carries all of them whenever the earlier ones went out. In
 * {@code scan} (end of input known) no bound is scheduled: the end-of-input flush reports everything, and the output
 * stays identical from run to run.
 */
public final class ReportBound {

    private static final Duration MIN_TICK = Duration.ofSeconds(1);
    private static final Duration MAX_TICK = Duration.ofSeconds(30);

    private ReportBound() {
    }

    /**
     * Has {@code reportDue} run on the processor's thread every tick (a quarter of the bound, between 1 and 30 s) with
     * the wall-clock time; it reports the windows whose unreported events are older than {@code kit.reportWithin()}.
     *
     * @return what cancels the tick (see {@link FlushSignal#onRequest})
     */
    public static Cancellable schedule(ProcessingContext context, DetectionKit kit, LongConsumer reportDue) {
        if (kit.flush().enabled()) {
            return () -> { };
        }
        long quarter = kit.reportWithin().toMillis() / 4;
        Duration tick = Duration.ofMillis(Math.max(MIN_TICK.toMillis(), Math.min(MAX_TICK.toMillis(), quarter)));
        return context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, reportDue::accept);
    }

    /** True when events waiting since {@code pendingSince} (0: none waiting) are due at wall-clock {@code now}. */
    public static boolean due(long pendingSince, long now, Duration reportWithin) {
        return pendingSince > 0 && now - pendingSince >= reportWithin.toMillis();
    }
}
