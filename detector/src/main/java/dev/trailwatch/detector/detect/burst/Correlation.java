package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.List;

/**
 * The logins of one identity that followed one burst: the first, the alert sent for it, the count since.
 *
 * @param reported     logins the alert and its updates have reported (0 in state written before updates existed)
 * @param pendingSince wall-clock millis since which logins wait unreported, 0 when none do ({@code ReportBound})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Correlation(Login first, Alert alert, long count, List<String> eventIds, long lastEventTime, long reported,
                   long pendingSince) {

    /** The first login after the burst, and the alert that went out for it. */
    Correlation(Login first, Alert alert) {
        this(first, alert, 1, List.of(first.eventId()), first.time(), 1, 0);
    }

    Correlation {
        eventIds = List.copyOf(eventIds);
    }

    String identity() {
        return first.identity();
    }

    /** True when logins joined since the alert or its last update went out. */
    boolean unreported() {
        return count > Math.max(reported, alert.eventCount());
    }

    Correlation reportedAll() {
        return new Correlation(first, alert, count, eventIds, lastEventTime, count, 0);
    }

    /** One more login of the identity, which waits unreported from wall-clock {@code now}. */
    Correlation plus(Login login, long now) {
        List<String> ids = eventIds;
        if (ids.size() < Alert.MAX_EVENT_IDS) {
            ids = new ArrayList<>(eventIds);
            ids.add(login.eventId());
        }
        return new Correlation(first, alert, count + 1, ids, Math.max(lastEventTime, login.time()), reported,
                pendingSince > 0 ? pendingSince : now);
    }
}
