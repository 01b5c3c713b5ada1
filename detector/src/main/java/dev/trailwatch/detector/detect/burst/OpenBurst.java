package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.List;

/**
 * A burst whose alert has gone out and whose window has not closed yet: later events of its window fold into it.
 *
 * @param start  event time of its first event; with the key it names the alert ({@code alertId})
 * @param end    {@code start + window}: events from here on belong to the next burst, if any
 * @param alert  the alert sent when the burst reached its threshold
 * @param tokens distinct tokens seen, in order, at most {@link #MAX_TOKENS}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record OpenBurst(long start, long end, Alert alert, long count, List<String> eventIds, List<String> tokens,
                 long lastEventTime) {

    /** The most distinct tokens (user names, IPs, actions) a burst lists in its evidence. */
    static final int MAX_TOKENS = 100;

    OpenBurst {
        eventIds = List.copyOf(eventIds);
        tokens = List.copyOf(tokens);
    }

    /** A burst made of these entries (time-sorted), before its alert is built. */
    static OpenBurst of(List<Entry> members, long window) {
        OpenBurst empty = new OpenBurst(members.get(0).time(), members.get(0).time() + window, null, 0, List.of(),
                List.of(), members.get(0).time());
        OpenBurst burst = empty;
        for (Entry member : members) {
            burst = burst.plus(member);
        }
        return burst;
    }

    boolean covers(long time) {
        return time >= start && time < end;
    }

    /** True when events arrived after the alert went out: a follow-up is due when the window closes. */
    boolean folded() {
        return count > alert.eventCount();
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
        return new OpenBurst(start, end, alert, count + 1, ids, seen, Math.max(lastEventTime, entry.time()));
    }

    OpenBurst withAlert(Alert sent) {
        return new OpenBurst(start, end, sent, count, eventIds, tokens, lastEventTime);
    }
}
