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
        return of(finding).triggeredBy(event).eventIds(List.of(event.eventId())).eventCount(1).firstEventTime(time)
                .lastEventTime(time).detectedAt(Instant.now()).build();
    }

    /** An alert with the finding's rule, wording and classification; the rest is the caller's to set. */
    public static Alert.Builder of(Finding finding) {
        return Alert.builder().ruleId(finding.ruleId()).title(finding.title()).description(finding.description())
                .severity(finding.severity()).mitre(finding.mitre()).runbook(finding.runbook())
                .evidence(finding.evidence());
    }
}
