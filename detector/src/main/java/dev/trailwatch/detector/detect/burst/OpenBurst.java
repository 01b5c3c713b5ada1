package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.detect.kit.ReportBound;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.List;

/**
 * A burst whose alert has gone out and whose window has not closed yet: later events of its window fold into it.
 *
 * @param start  event time of its first event; with the key it names the alert ({@code alertId})
 * @param end    {@code start + window}: events from here on belong to the next burst, if any
 * @param alert  the alert sent when the burst reached its threshold
 * @param tokens       distinct tokens seen, in order, at most {@link #MAX_TOKENS}
 * @param reported     events the alert and its updates have reported (0 in state written before updates existed:
 *                     then the alert's own count)
 * @param pendingSince wall-clock millis since which events wait unreported, 0 when none do ({@code ReportBound})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record OpenBurst(long start, long end, Alert alert, long count, List<String> eventIds, List<String> tokens,
                 long lastEventTime, long reported, long pendingSince) {

    /** The most distinct tokens (user names, IPs, actions) a burst lists in its evidence. */
    static final int MAX_TOKENS = 100;

    OpenBurst {
        eventIds = List.copyOf(eventIds);
        tokens = List.copyOf(tokens);
    }

    /** A burst made of these entries (time-sorted), before its alert is built. */
    static OpenBurst of(List<Entry> members, long window) {
        OpenBurst empty = new OpenBurst(members.get(0).time(), members.get(0).time() + window, null, 0, List.of(),
                List.of(), members.get(0).time(), 0, 0);
        OpenBurst burst = empty;
        for (Entry member : members) {
            burst = burst.plus(member);
        }
        return burst;
    }

    boolean covers(long time) {
        return time >= start && time < end;
    }

    /** True when events joined since the alert or its last update went out: an update is due. */
    boolean unreported() {
        return count > Math.max(reported, alert.eventCount());
    }

    /** This burst with everything so far reported. */
    OpenBurst reportedAll() {
        return new OpenBurst(start, end, alert, count, eventIds, tokens, lastEventTime, count, 0);
    }

    /** This burst with one more event, which waits unreported from wall-clock {@code now}. */
    OpenBurst joinedBy(Entry entry, long now) {
        OpenBurst more = plus(entry);
        return new OpenBurst(start, end, alert, more.count, more.eventIds, more.tokens, more.lastEventTime, reported,
                pendingSince > 0 ? pendingSince : now);
    }

    OpenBurst plus(Entry entry) {
        List<String> ids = eventIds;
        if (ids.size() < Alert.MAX_EVENT_IDS) {
            ids = new ArrayList<>(eventIds);
            ids.add(entry.eventId());
        }
        List<String> seen = tokens;
        if (seen.size() < MAX_TOKENS && !seen.contains(entry.token())) {
            seen = new ArrayList<>(tokens);
            seen.add(entry.token());
        }
        return new OpenBurst(start, end, alert, count + 1, ids, seen, Math.max(lastEventTime, entry.time()), reported,
                pendingSince);
    }

    OpenBurst withAlert(Alert sent) {
        return new OpenBurst(start, end, sent, count, eventIds, tokens, lastEventTime, sent.eventCount(), 0);
    }
}
