package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.AlertContext;
import java.time.Instant;
import java.util.List;

/** Alerts covering many events: the first at the threshold, the follow-up (same id) when the window closes. */
final class BurstAlerts {

    private BurstAlerts() {
    }

    /**
     * An alert anchored on one event: its account, region, principal, address, user agent and call, and in
     * {@code context.actor} the human behind a role session ({@code sourceIdentity}) when the event names one.
     */
    static Alert first(String alertId, Alerts.Finding finding, Anchor anchor, List<String> eventIds, long count,
                       long firstEventTime, long lastEventTime) {
        return Alerts.of(finding).alertId(alertId).accountId(anchor.accountId()).region(anchor.region())
                .principal(anchor.principal()).sourceIp(anchor.sourceIp()).userAgent(anchor.userAgent())
                .eventName(anchor.eventName()).eventSource(anchor.eventSource())
                .context(anchor.actor() == null ? null : new AlertContext(null, anchor.actor(), null))
                .eventIds(eventIds).eventCount(count)
                .firstEventTime(Instant.ofEpochMilli(firstEventTime)).lastEventTime(Instant.ofEpochMilli(lastEventTime))
                .detectedAt(Instant.now()).build();
    }

    /** The alert already sent, re-worded for everything its window collected; id and first event unchanged. */
    static Alert followUp(Alert sent, Alerts.Finding finding, List<String> eventIds, long count, long lastEventTime) {
        return sent.toBuilder().title(finding.title()).description(finding.description())
                .evidence(finding.evidence()).eventIds(eventIds).eventCount(count)
                .lastEventTime(Instant.ofEpochMilli(lastEventTime)).detectedAt(Instant.now()).build();
    }
}
