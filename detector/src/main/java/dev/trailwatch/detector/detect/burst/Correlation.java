package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;
import java.util.List;

/**
 * The logins of one identity that followed one failed-login burst, as a function of those logins: the earliest (by
 * event time, then event id) anchors the alert, {@code logins} are the first {@link Alert#MAX_EVENT_IDS} in that
 * order, {@code count} all of them.
 *
 * @param alertId      rule, IP and identity, and the burst window's start
 * @param sent         what the alert or update last sent carried ({@code BruteforceCorrelator#content})
 * @param pendingSince wall-clock millis since which changes wait unreported, 0 when none do ({@code ReportBound})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Correlation(String alertId, Login first, long count, List<Entry> logins, long lastEventTime, String sent,
                   long pendingSince) {

    Correlation {
        logins = logins == null ? List.of() : List.copyOf(logins);
        sent = sent == null ? "" : sent;
    }

    /** The first login of the identity to arrive for the burst. */
    static Correlation of(String alertId, Login login) {
        return new Correlation(alertId, login, 1, List.of(entry(login)), login.time(), "", 0);
    }

    String identity() {
        return first.identity();
    }

    List<String> eventIds() {
        return logins.stream().map(Entry::eventId).toList();
    }

    Correlation sent(String content) {
        return new Correlation(alertId, first, count, logins, lastEventTime, content, 0);
    }

    /** Waits unreported from wall-clock {@code now}, unless it already does. */
    Correlation pendingFrom(long now) {
        return pendingSince > 0 ? this
                : new Correlation(alertId, first, count, logins, lastEventTime, sent, now);
    }

    /** One more login of the identity: it becomes the anchor when it is the earliest. */
    Correlation plus(Login login) {
        Entry added = entry(login);
        List<Entry> all = OpenBurst.inserted(logins, added, Entry.ORDER, Alert.MAX_EVENT_IDS);
        Login earliest = Entry.ORDER.compare(added, entry(first)) < 0 ? login : first;
        return new Correlation(alertId, earliest, count + 1, all, Math.max(lastEventTime, login.time()), sent,
                pendingSince);
    }

    private static Entry entry(Login login) {
        return new Entry(login.time(), login.eventId(), "");
    }
}
