package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.CloudTrailEvent;

/**
 * A successful console login kept for a while in case a burst of failures from its IP turns up (events of one
 * delivery arrive in any order).
 *
 * @param identity the principal that got in (its ARN): with the IP and the burst it names the alert
 * @param target   account and user name, as the failed-login burst lists its targets
 */
record Login(long time, String eventId, String identity, String target, Anchor anchor) {

    static Login of(CloudTrailEvent event) {
        return new Login(event.eventTime(), event.eventId(), event.principal(), ConsoleLogins.target(event),
                Anchor.of(event));
    }
}
