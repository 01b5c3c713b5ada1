package dev.trailwatch.detector.detect.kit;

import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;

/**
 * The configured minimum severity ({@code alerts.min.severity}): a match below it is counted in
 * {@code trailwatch_alerts_total} and goes no further, so it never reaches the alerts topic and costs no state.
 * Every family applies it where it words an alert, through this one class.
 */
public record SeverityFilter(Severity minimum, TrailWatchMetrics metrics) {

    /** True when an alert of this rule and severity goes out; otherwise counts it and returns false. */
    public boolean passes(String ruleId, Severity severity) {
        if (severity.atLeast(minimum)) {
            return true;
        }
        metrics.alertEmitted(ruleId, severity);
        return false;
    }

    public boolean passes(Alert alert) {
        return passes(alert.ruleId(), alert.severity());
    }
}
