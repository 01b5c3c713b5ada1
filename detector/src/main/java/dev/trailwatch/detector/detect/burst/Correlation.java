package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.List;

/** The logins of one identity that followed one burst: the first, the alert sent for it, the count since. */
@JsonIgnoreProperties(ignoreUnknown = true)
record Correlation(Login first, Alert alert, long count, List<String> eventIds, long lastEventTime) {

    Correlation {
        eventIds = List.copyOf(eventIds);
    }

    String identity() {
        return first.identity();
    }

    boolean folded() {
        return count > alert.eventCount();
    }

    Correlation plus(Login login) {
        List<String> ids = eventIds;
        if (ids.size() < Alert.MAX_EVENT_IDS) {
            ids = new ArrayList<>(eventIds);
            ids.add(login.eventId());
        }
        return new Correlation(first, alert, count + 1, ids, Math.max(lastEventTime, login.time()));
    }
}
