package dev.trailwatch.detector.suppress;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.List;

/**
 * An open suppression window: the alert already sent, and what has been folded into it since.
 *
 * @param windowEnd epoch millis (event time) when the window closes and a follow-up is due if anything was folded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SuppressionState(Alert alert, long windowEnd, long count, List<String> eventIds, long lastEventTime) {

    public SuppressionState {
        eventIds = List.copyOf(eventIds);
    }

    public boolean hasSeen(String eventId) {
        return eventIds.contains(eventId);
    }

    public boolean folded() {
        return count > alert.eventCount();
    }

    /** This window with one more matching event. */
    public SuppressionState plus(Alert match) {
        List<String> ids = eventIds;
        if (ids.size() < Alert.MAX_EVENT_IDS) {
            ids = new ArrayList<>(eventIds);
            ids.addAll(match.eventIds().subList(0, Math.min(match.eventIds().size(), Alert.MAX_EVENT_IDS - ids.size())));
        }
        long last = Math.max(lastEventTime, match.lastEventTime().toEpochMilli());
        return new SuppressionState(alert, windowEnd, count + match.eventCount(), ids, last);
    }
}
