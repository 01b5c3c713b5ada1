package dev.trailwatch.detector.detect.burst;

import java.util.Comparator;

/**
 * One counted event: its time, id and what it counts as (a burst window keeps its earliest; a brute-force
 * correlation the logins that followed its failures, in event-time order).
 *
 * @param time    event time, epoch millis
 * @param token   what a burst counts distinct values of and lists in its evidence (a user name, a source IP, ...)
 */
record Entry(long time, String eventId, String token) {

    /** Event time first; the event id breaks ties so that replays order entries the same way. */
    static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparing(Entry::eventId);

    /**
     * {@link #ORDER}, then the token: the order of a burst's first event per token, where one event that reads several
     * resources is the first event of each of its tokens (entries of one event that differ only by token).
     */
    static final Comparator<Entry> BY_TOKEN = ORDER.thenComparing(Entry::token);
}
