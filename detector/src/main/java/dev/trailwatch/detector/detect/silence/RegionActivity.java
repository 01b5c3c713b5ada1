package dev.trailwatch.detector.detect.silence;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.CloudTrailEvent;

/**
 * What trail-silent remembers of one account x region: when its last event arrived (wall clock) and what it was, how
 * many events it delivered recently, and, while it is silent, the silence alert raised for it.
 *
 * <p>Recent events are counted in two consecutive buckets of {@code span} (4 x {@code silence.after}) of arrival time:
 * {@link #sending} looks at the current and the previous bucket, so it sees between one and two spans of history.
 * Counts stop at {@code minEvents}: past that, an event changes only the last-event fields.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
final class RegionActivity {

    long lastArrival;
    long lastEventTime;
    String lastEventId;
    String principal;
    String eventName;
    String eventSource;
    long bucketStart;
    int bucketCount;
    int previousCount;
    /** Id of the silence alert while silent, else null. */
    String silenceAlertId;
    /** Wall-clock time the silence alert was raised. */
    long silenceAlertedAt;

    /**
     * Records an event that arrived at {@code now}; true when a count or the silence changed, which is worth writing
     * at once (the last-event fields alone can wait for the next flush).
     */
    boolean arrive(CloudTrailEvent event, long now, long span, int minEvents) {
        boolean changed = false;
        if (now - bucketStart >= span) {
            previousCount = now - bucketStart < 2 * span ? bucketCount : 0;
            bucketStart = now;
            bucketCount = 0;
            changed = true;
        }
        if (bucketCount < minEvents) {
            bucketCount++;
            changed = true;
        }
        lastArrival = now;
        lastEventTime = event.eventTime();
        lastEventId = event.eventId();
        principal = event.principal();
        eventName = event.eventName();
        eventSource = event.eventSource();
        return changed;
    }

    /** Whether it delivered enough events, up to its last one, to count as a sending region. */
    boolean sending(int minEvents) {
        return bucketCount + previousCount >= minEvents;
    }

    int recentEvents() {
        return bucketCount + previousCount;
    }

    boolean silent() {
        return silenceAlertId != null;
    }

    void silenced(String alertId, long now) {
        silenceAlertId = alertId;
        silenceAlertedAt = now;
    }

    void resumed() {
        silenceAlertId = null;
        silenceAlertedAt = 0;
    }
}
