package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * One key's events in one epoch-aligned window {@code [start, start + window)} that has not closed yet, summed up in
 * a bounded form that is a function of the set of events, never of the order they came in: so the alert built from
 * it, and above all the last update per alertId, is the same whatever the order of arrival.
 *
 * @param start          the window's start, a multiple of its length since the epoch; with the key it names the alert
 * @param count          distinct events of the window so far (each {@code eventID} counts once)
 * @param earliest       the window's earliest events by (event time, event id), at most {@link BurstSpec#kept()}
 *                       ({@link Alert#MAX_EVENT_IDS} once alerted): the alert's {@code eventIds}; with their tokens
 *                       when the spec has an {@code order}, which is judged on them
 * @param firsts         each distinct token's first event by (event time, event id, token), in that order, at most
 *                       {@link BurstSpec#keptTokens()}: the tokens that appeared first (see {@link #withFirst}); an
 *                       event that counts as several tokens can be the first event of each
 * @param firstEventTime the earliest event time in the window
 * @param lastEventTime  the latest event time in the window
 * @param anchor         the earliest event's fields (principal, address, ...), which the alert carries
 * @param alerted        true once the window qualified and its alert went out; from then on its events fold in
 * @param reported       events the alert and its updates have reported
 * @param pendingSince   wall-clock millis since which events wait unreported, 0 when none do ({@code ReportBound})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record OpenBurst(long start, long count, List<Entry> earliest, List<Entry> firsts, long firstEventTime,
                 long lastEventTime, Anchor anchor, boolean alerted, long reported, long pendingSince) {

    /** The most distinct tokens (user names, IPs, actions) a burst lists in its evidence. */
    static final int MAX_TOKENS = 100;

    OpenBurst {
        earliest = earliest == null ? List.of() : List.copyOf(earliest);
        firsts = firsts == null ? List.of() : List.copyOf(firsts);
    }

    /** A window nothing has been counted in yet. */
    static OpenBurst opening(long start) {
        return new OpenBurst(start, 0, List.of(), List.of(), Long.MAX_VALUE, Long.MIN_VALUE, null, false, 0, 0);
    }

    /**
     * This window with one more event that counts as {@code entry}'s token and {@code more} tokens besides (a call
     * that reads several resources; none for most events): each is a token whose first event may be this one.
     * {@code anchor} is asked for only when the event is the window's earliest (it reads the event's record for the
     * actor).
     */
    OpenBurst plus(Entry entry, List<String> more, BurstSpec spec, Supplier<Anchor> anchor) {
        Entry kept = spec.order().isEmpty() ? new Entry(entry.time(), entry.eventId(), null) : entry;
        // Once the alert is out, the order is judged no more: the window keeps just the events the alert lists (the
        // earliest of any longer list are the same events, so what it lists does not depend on when that was).
        List<Entry> first = inserted(earliest, kept, Entry.ORDER, alerted ? Alert.MAX_EVENT_IDS : spec.kept());
        boolean newEarliest = !first.isEmpty() && first.get(0) == kept;
        List<Entry> seen = entry.token() == null ? firsts : withFirst(firsts, entry, spec.keptTokens());
        for (int i = 0; i < more.size(); i++) {
            String token = more.get(i);
            if (token != null) {
                seen = withFirst(seen, new Entry(entry.time(), entry.eventId(), token), spec.keptTokens());
            }
        }
        return new OpenBurst(start, count + 1, first, seen, Math.min(firstEventTime, entry.time()),
                Math.max(lastEventTime, entry.time()), newEarliest ? anchor.get() : this.anchor, alerted, reported,
                pendingSince);
    }

    /** Whether a window already counted an event: from what it keeps alone, or only the seen ids can tell. */
    enum Counted { YES, NO, ASK_SEEN_IDS }

    /**
     * Whether the window counted this event (by time and id) already. The window keeps its earliest events, all of
     * them while it has no more than it keeps ({@code earliest} never shrinks below the smallest of those not kept:
     * see {@link #plus} and {@link #reportedAll}), so an event it does not keep is new when it sorts before the last
     * one kept, or when nothing was ever left out. Only an event after every kept one, in a window that left some
     * out, needs the processor's seen ids, which hold every event a window counted and does not keep ({@link #leaving},
     * {@link #unlisted}).
     */
    Counted counted(Entry entry) {
        int at = Collections.binarySearch(earliest, entry, Entry.ORDER);
        if (at >= 0) {
            return Counted.YES;
        }
        return earliest.size() == count || -at - 1 < earliest.size() ? Counted.NO : Counted.ASK_SEEN_IDS;
    }

    /**
     * The event {@link #plus} stops keeping when it counts {@code entry} (a new event): the entry itself when it
     * sorts after every kept event of a full list, else the last kept one when the list is full, else null.
     */
    Entry leaving(Entry entry, BurstSpec spec) {
        int max = alerted ? Alert.MAX_EVENT_IDS : spec.kept();
        if (earliest.size() < max) {
            return null;
        }
        Entry last = earliest.get(earliest.size() - 1);
        return Entry.ORDER.compare(entry, last) > 0 ? entry : last;
    }

    /** The kept events {@link #reportedAll} stops keeping: those beyond what an alert lists. */
    @JsonIgnore
    List<Entry> unlisted() {
        return earliest.size() <= Alert.MAX_EVENT_IDS ? List.of()
                : earliest.subList(Alert.MAX_EVENT_IDS, earliest.size());
    }

    /**
     * True when the window is a burst: it holds the spec's minimum of events and of distinct tokens (of the part of
     * each token the spec counts, {@link BurstSpec#distinctBy}, among the tokens kept), and when the spec has an
     * order, those tokens in that order of event time among its earliest events.
     */
    boolean qualifies(BurstSpec spec) {
        if (count < spec.minEvents() || distinct(spec) < spec.minDistinct()) {
            return false;
        }
        List<String> order = spec.order();
        int next = 0;
        for (int i = 0; i < earliest.size() && next < order.size(); i++) {
            if (order.get(next).equals(earliest.get(i).token())) {
                next++;
            }
        }
        return next == order.size();
    }

    /** How many distinct tokens, or distinct counted parts of tokens, the window keeps. */
    private long distinct(BurstSpec spec) {
        if (spec.distinctBy() == null) {
            return firsts.size();
        }
        return firsts.stream().map(first -> spec.distinctBy().apply(first.token())).distinct().count();
    }

    /** The window's distinct tokens in order of first appearance (event time, event id). */
    @JsonIgnore
    List<String> tokens() {
        List<String> tokens = new ArrayList<>(firsts.size());
        for (Entry first : firsts) {
            tokens.add(first.token());
        }
        return tokens;
    }

    /** The ids of the window's earliest events, as the alert lists them. */
    @JsonIgnore
    List<String> eventIds() {
        int shown = Math.min(earliest.size(), Alert.MAX_EVENT_IDS);
        List<String> ids = new ArrayList<>(shown);
        for (int i = 0; i < shown; i++) {
            ids.add(earliest.get(i).eventId());
        }
        return ids;
    }

    /** True when events joined since the alert or its last update went out: an update is due. */
    @JsonIgnore
    boolean unreported() {
        return alerted && count > reported;
    }

    /** This window with its alert sent, or updated, covering everything so far. */
    OpenBurst reportedAll() {
        List<Entry> listed = earliest.size() <= Alert.MAX_EVENT_IDS ? earliest
                : earliest.subList(0, Alert.MAX_EVENT_IDS);
        return new OpenBurst(start, count, listed, firsts, firstEventTime, lastEventTime, anchor, true, count, 0);
    }

    /** This window with events waiting unreported since wall-clock {@code now}, unless some already were. */
    OpenBurst waitingSince(long now) {
        return new OpenBurst(start, count, earliest, firsts, firstEventTime, lastEventTime, anchor, alerted, reported,
                pendingSince > 0 ? pendingSince : now);
    }

    /**
     * The sorted list with {@code item} inserted, less its largest member when it would exceed {@code max}; the same
     * list when the item is in it already or would be the one dropped. Keeping the smallest members makes what is kept
     * a function of what was inserted, in whatever order.
     */
    static <T> List<T> inserted(List<T> sorted, T item, Comparator<? super T> order, int max) {
        int at = Collections.binarySearch(sorted, item, order);
        if (at >= 0 || -at - 1 >= max) {
            return sorted;
        }
        int index = -at - 1;
        List<T> all = new ArrayList<>(Math.min(sorted.size() + 1, max));
        all.addAll(sorted.subList(0, index));
        all.add(item);
        all.addAll(sorted.subList(index, Math.min(sorted.size(), max - 1)));
        return all;
    }

    /**
     * Each token's first event, with this event's token taken into account: its entry moves up when the event came
     * before the one kept, joins in order when the token is new, and the last is dropped beyond {@code max}. What is
     * kept is the {@code max} tokens whose first events come first, each with its first event, whatever the order of
     * arrival: a token dropped had a first event after all kept ones, so any later event of it that would not make it
     * come earlier lands at the end and is dropped again (the list stays full once it has been). Entries are ordered
     * by {@link Entry#BY_TOKEN}: the tokens of one event are entries with the same time and id, told apart by the
     * token, so they count and are kept as if each came in an event of its own at that time. Where every event has one
     * token that is {@link Entry#ORDER}'s order, so the lists stored before are in it already.
     */
    static List<Entry> withFirst(List<Entry> firsts, Entry entry, int max) {
        for (int i = 0; i < firsts.size(); i++) {
            if (firsts.get(i).token().equals(entry.token())) {
                if (Entry.BY_TOKEN.compare(entry, firsts.get(i)) >= 0) {
                    return firsts;
                }
                List<Entry> moved = new ArrayList<>(firsts);
                moved.remove(i);
                return inserted(moved, entry, Entry.BY_TOKEN, max);
            }
        }
        return inserted(firsts, entry, Entry.BY_TOKEN, max);
    }
}
