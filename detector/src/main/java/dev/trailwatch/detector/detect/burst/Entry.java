package dev.trailwatch.detector.detect.burst;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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

    /** A copy of the sorted list with the entry inserted in order. */
    static List<Entry> insert(List<Entry> sorted, Entry entry) {
        List<Entry> all = new ArrayList<>(sorted);
        int at = 0;
        while (at < all.size() && ORDER.compare(all.get(at), entry) <= 0) {
            at++;
        }
        all.add(at, entry);
        return all;
    }
}
