package dev.trailwatch.detector.detect;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds draft alerts (no id yet: suppression or the windowing detector assigns it) from a triggering event. */
public final class Alerts {

    private Alerts() {
    }

    /** The text and classification of an alert, as a detector words it for one event or burst. */
    public record Finding(String ruleId, String title, String description, Severity severity, List<String> mitre,
                          String runbook, Map<String, Object> evidence) {
    }

    public static Alert draft(Finding finding, CloudTrailEvent event) {
        Instant time = Instant.ofEpochMilli(event.eventTime());
        return new Alert(Alert.SCHEMA_VERSION, null, finding.ruleId(), finding.title(), finding.description(),
                finding.severity(), event.recipientAccountId(), null, event.awsRegion(), event.principal(),
                event.sourceIpAddress(), event.userAgent(), event.eventName(), event.eventSource(),
                List.of(event.eventId()), 1, time, time, Instant.now(), finding.mitre(), finding.runbook(),
                finding.evidence());
    }
}
