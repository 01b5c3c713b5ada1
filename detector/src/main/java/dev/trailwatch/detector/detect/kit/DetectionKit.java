package dev.trailwatch.detector.detect.kit;

import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import java.time.Duration;

/**
 * What every detection family is built with besides its own settings: the minimum-severity filter, the metrics, the
 * end-of-input signal and the wall-clock bound on reporting folded events. One value, so that adding a shared need
 * does not mean threading a parameter through every detection.
 *
 * @param reportWithin {@code alerts.report-within}: see {@link ReportBound}
 */
public record DetectionKit(SeverityFilter severity, TrailWatchMetrics metrics, FlushSignal flush,
                           Duration reportWithin) {

    /** The kit with the default report bound. */
    public DetectionKit(SeverityFilter severity, TrailWatchMetrics metrics, FlushSignal flush) {
        this(severity, metrics, flush, Duration.ofMinutes(5));
    }
}
