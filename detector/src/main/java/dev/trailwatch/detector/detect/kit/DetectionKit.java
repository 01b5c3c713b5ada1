package dev.trailwatch.detector.detect.kit;

import dev.trailwatch.detector.metrics.TrailWatchMetrics;

/**
 * What every detection family is built with besides its own settings: the minimum-severity filter, the metrics and
 * the end-of-input signal. One value, so that adding a shared need does not mean threading a parameter through every
 * detection.
 */
public record DetectionKit(SeverityFilter severity, TrailWatchMetrics metrics, FlushSignal flush) {
}
