package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.model.CloudTrailEvent;

/**
 * The fields an alert takes from the event that anchors it: where, who, from where, which call, and the human behind
 * a role session when the event names one.
 *
 * @param actor what only the event says about the human behind the principal ({@code sourceIdentity}, the Identity
 *              Center user id: {@link AlertContext.Actor#fromEvent}), or null; the alert carries it in its
 *              {@code context}, where the enricher completes it
 */
record Anchor(String accountId, String region, String principal, String sourceIp, String userAgent,
              String eventName, String eventSource, AlertContext.Actor actor) {

    static Anchor of(CloudTrailEvent event) {
        return new Anchor(event.recipientAccountId(), event.awsRegion(), event.principal(), event.sourceIpAddress(),
                event.userAgent(), event.eventName(), event.eventSource(), AlertContext.Actor.fromEvent(event));
    }
}
