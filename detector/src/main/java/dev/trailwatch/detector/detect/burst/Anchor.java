package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.CloudTrailEvent;

/** The fields an alert takes from the event that triggered it: where, who, from where, which call. */
record Anchor(String accountId, String region, String principal, String sourceIp, String userAgent,
              String eventName, String eventSource) {

    static Anchor of(CloudTrailEvent event) {
        return new Anchor(event.recipientAccountId(), event.awsRegion(), event.principal(), event.sourceIpAddress(),
                event.userAgent(), event.eventName(), event.eventSource());
    }
}
