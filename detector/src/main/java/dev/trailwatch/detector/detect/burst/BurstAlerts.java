package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.Alert;
import java.time.Instant;
import java.util.List;

/** Alerts covering many events: the first at the threshold, the follow-up (same id) when the window closes. */
final class BurstAlerts {

    private BurstAlerts() {
    }

    static Alert first(String alertId, Alerts.Finding finding, Anchor anchor, List<String> eventIds, long count,
                       long firstEventTime, long lastEventTime) {
        return new Alert(Alert.SCHEMA_VERSION, alertId, finding.ruleId(), finding.title(), finding.description(),
                finding.severity(), anchor.accountId(), null, anchor.region(), anchor.principal(), anchor.sourceIp(),
                anchor.userAgent(), anchor.eventName(), anchor.eventSource(), eventIds, count,
                Instant.ofEpochMilli(firstEventTime), Instant.ofEpochMilli(lastEventTime), Instant.now(),
                finding.mitre(), finding.runbook(), finding.evidence());
    }

    /** The alert already sent, re-worded for everything its window collected; id and first event unchanged. */
    static Alert followUp(Alert sent, Alerts.Finding finding, List<String> eventIds, long count, long lastEventTime) {
        return new Alert(sent.schemaVersion(), sent.alertId(), sent.ruleId(), finding.title(), finding.description(),
                sent.severity(), sent.accountId(), sent.accountName(), sent.region(), sent.principal(),
                sent.sourceIp(), sent.userAgent(), sent.eventName(), sent.eventSource(), eventIds, count,
                sent.firstEventTime(), Instant.ofEpochMilli(lastEventTime), Instant.now(), sent.mitre(),
                sent.runbook(), finding.evidence());
    }
}
