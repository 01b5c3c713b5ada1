package dev.trailwatch.detector.detect.kit;

import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import java.time.Duration;

/**
 * What every detection family is built with besides its own settings: the minimum-severity filter, the metrics, the
 * end-of-input signal, the wall-clock bound on reporting folded events and the reorder-horizon watermark. One value, so that adding a shared need
 * does not mean threading a parameter through every detection.
 *
 * @param reportWithin {@code alerts.report-within}: see {@link ReportBound}
 * @param watermark    how far the input is complete ({@code reorder.horizon}): see {@link InputWatermark}
 */
public record DetectionKit(SeverityFilter severity, TrailWatchMetrics metrics, FlushSignal flush,
                           Duration reportWithin, InputWatermark watermark) {

    /** The kit with the default report bound and no reorder horizon (one partition, decisions at once). */
    public DetectionKit(SeverityFilter severity, TrailWatchMetrics metrics, FlushSignal flush) {
        this(severity, metrics, flush, Duration.ofMinutes(5), InputWatermark.singlePartition(Duration.ZERO));
    }

    /**
     * How long after its window a burst or correlation still takes records: {@code grace} ({@code burst.grace}), at
     * least the reorder horizon, so that a record arriving within the horizon after records with a later event time
     * still finds its window open.
     */
    public long graceMillis(Duration grace) {
        return Math.max(grace.toMillis(), watermark.horizon());
    }
}
