package dev.trailwatch.detector.suppress;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An open suppression window: the alert already sent, and what has been folded into it since.
 *
 * @param windowEnd    epoch millis (event time) when the window closes and a follow-up is due if anything was folded
 * @param reported     how many events the alert and its updates have reported so far (0 in state written before
 *                     updates existed: then the alert's own count)
 * @param pendingSince wall-clock millis since which events wait unreported, 0 when none do ({@code ReportBound})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SuppressionState(Alert alert, long windowEnd, long count, List<String> eventIds, long lastEventTime,
                               long reported, long pendingSince) {

    /** A window just opened by {@code alert}. */
    public SuppressionState(Alert alert, long windowEnd) {
        this(alert, windowEnd, alert.eventCount(), alert.eventIds(), alert.lastEventTime().toEpochMilli(),
                alert.eventCount(), 0);
    }

    public SuppressionState {
        eventIds = List.copyOf(eventIds);
    }

    public boolean hasSeen(String eventId) {
        return eventIds.contains(eventId);
    }

    /** True when events were folded in since the alert or its last update went out. */
    public boolean unreported() {
        return count > Math.max(reported, alert.eventCount());
    }

    /** The alert covering everything folded so far: same id, larger count, later last event. */
    public Alert update(Instant detectedAt) {
        return alert.folded(eventIds, count, Instant.ofEpochMilli(lastEventTime), detectedAt);
    }

    /** This window with everything so far reported. */
    public SuppressionState reportedAll() {
        return new SuppressionState(alert, windowEnd, count, eventIds, lastEventTime, count, 0);
    }

    /** This window with one more matching event, which waits unreported from wall-clock {@code now}. */
    public SuppressionState plus(Alert match, long now) {
        List<String> ids = eventIds;
        if (ids.size() < Alert.MAX_EVENT_IDS) {
            ids = new ArrayList<>(eventIds);
            ids.addAll(match.eventIds().subList(0, Math.min(match.eventIds().size(), Alert.MAX_EVENT_IDS - ids.size())));
        }
        long last = Math.max(lastEventTime, match.lastEventTime().toEpochMilli());
        return new SuppressionState(alert, windowEnd, count + match.eventCount(), ids, last, reported,
                pendingSince > 0 ? pendingSince : now);
    }
}
