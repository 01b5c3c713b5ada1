package dev.trailwatch.detector.suppress;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One aligned suppression window of one rule and entity: the matches folded into it, as a function of the matches
 * (not of the order they came in), and what was last reported of it.
 *
 * @param anchor       the most severe match, the earliest by (event time, event id) among the most severe, with the
 *                     window's alert id: the alert's wording, severity and evidence come from it, so the final record
 *                     is the same in any arrival order, and a repeat that escalates (a security group opened to the
 *                     world after another change of it) raises the alert instead of folding under a milder one
 * @param windowEnd    epoch millis (event time) where the aligned window ends
 * @param count        distinct matching events folded in so far
 * @param members      the first {@link Alert#MAX_EVENT_IDS} matches by (event time, event id)
 * @param lastEventTime the latest event time of a match
 * @param reported     {@link #content()} of the alert or update last sent
 * @param pendingSince wall-clock millis since which changes wait unreported, 0 when none do ({@code ReportBound})
 * @param closed       event time has passed the window's end plus the horizon: its final content was sent; a match
 *                     still arriving for it (beyond the contract) is folded in and reported at once
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SuppressionState(Alert anchor, long windowEnd, long count, List<Member> members, long lastEventTime,
                               String reported, long pendingSince, boolean closed) {

    /** A matching event: what orders the members and names them. */
    public record Member(long time, String eventId) {
        static final Comparator<Member> ORDER = Comparator.comparingLong(Member::time)
                .thenComparing(Member::eventId);
    }

    /** A window just opened by its first match to arrive, already sent as {@code alert}. */
    static SuppressionState opened(Alert alert, long windowEnd) {
        long time = alert.firstEventTime().toEpochMilli();
        List<Member> members = alert.eventIds().stream().limit(Alert.MAX_EVENT_IDS).map(id -> new Member(time, id))
                .sorted(Member.ORDER).toList();
        SuppressionState state = new SuppressionState(alert, windowEnd, alert.eventCount(), members,
                alert.lastEventTime().toEpochMilli(), "", 0, false);
        return state.reportedAll();
    }

    public SuppressionState {
        members = members == null ? List.of() : List.copyOf(members);
        reported = reported == null ? "" : reported;
    }

    /** State written before windows were aligned (no members): dropped at its due time. */
    @JsonIgnore
    boolean isLegacy() {
        return anchor == null || members.isEmpty();
    }

    boolean hasSeen(String eventId) {
        return anchor.eventIds().get(0).equals(eventId) || members.stream().anyMatch(m -> m.eventId().equals(eventId));
    }

    /** True when the alert as it stands now differs from what was last sent. */
    boolean unreported() {
        return !content().equals(reported);
    }

    /**
     * The alert with everything folded so far: the anchor's wording and severity, the window's id, count and times
     * (the first event time is the window's earliest match, which need not be the anchor), and its events: the
     * anchor's first, as in every alert the event its wording describes, then the others by (event time, event id),
     * {@link Alert#MAX_EVENT_IDS} in all.
     */
    Alert update(Instant detectedAt) {
        String anchorId = anchor.eventIds().get(0);
        List<String> ids = new ArrayList<>(Alert.MAX_EVENT_IDS);
        ids.add(anchorId);
        for (Member member : members) {
            if (ids.size() == Alert.MAX_EVENT_IDS) {
                break;
            }
            if (!member.eventId().equals(anchorId)) {
                ids.add(member.eventId());
            }
        }
        return anchor.folded(ids, count, Instant.ofEpochMilli(members.get(0).time()),
                Instant.ofEpochMilli(lastEventTime), detectedAt);
    }

    SuppressionState reportedAll() {
        return new SuppressionState(anchor, windowEnd, count, members, lastEventTime, content(), 0, closed);
    }

    SuppressionState closedNow() {
        return new SuppressionState(anchor, windowEnd, count, members, lastEventTime, content(), 0, true);
    }

    /**
     * This window with one more match: it joins the members in event-time order (the first
     * {@link Alert#MAX_EVENT_IDS} are kept), becomes the anchor when it outranks it ({@link #outranks}), and waits
     * unreported from wall-clock {@code now}.
     */
    SuppressionState plus(Alert match, long now) {
        long time = match.firstEventTime().toEpochMilli();
        List<Member> all = new ArrayList<>(members);
        for (String id : match.eventIds()) {
            all.add(new Member(time, id));
        }
        all.sort(Member.ORDER);
        List<Member> kept = all.size() > Alert.MAX_EVENT_IDS ? all.subList(0, Alert.MAX_EVENT_IDS) : all;
        Alert newAnchor = outranks(match, anchor) ? match.withAlertId(anchor.alertId()) : anchor;
        long last = Math.max(lastEventTime, match.lastEventTime().toEpochMilli());
        SuppressionState next = new SuppressionState(newAnchor, windowEnd, count + match.eventCount(), kept, last,
                reported, pendingSince, closed);
        return next.unreported() && pendingSince == 0 ? next.pendingFrom(now) : next;
    }

    private SuppressionState pendingFrom(long now) {
        return new SuppressionState(anchor, windowEnd, count, members, lastEventTime, reported, now, closed);
    }

    /** Whether {@code match} anchors the window before {@code anchor}: more severe, or as severe and earlier. */
    static boolean outranks(Alert match, Alert anchor) {
        int bySeverity = match.severity().compareTo(anchor.severity());
        return bySeverity != 0 ? bySeverity > 0 : Member.ORDER.compare(first(match), first(anchor)) < 0;
    }

    private static Member first(Alert alert) {
        return new Member(alert.firstEventTime().toEpochMilli(), alert.eventIds().get(0));
    }

    /**
     * What a reader of the alert compares: the anchor event and severity, the count, the times and the event ids.
     * {@code List.hashCode} is defined by the list's elements, so this is stable across restarts.
     */
    private String content() {
        return anchor.eventIds().get(0) + '|' + anchor.severity() + '|' + count + '|' + lastEventTime + '|'
                + members.size() + '|' + members.stream().map(Member::eventId).toList().hashCode();
    }
}
