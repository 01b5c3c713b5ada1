package dev.trailwatch.detector.detect.burst;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One counted event not yet in a burst.
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

    /**
     * The sorted list without the entries that cannot change which tokens any window holds: of the added entry's
     * token, within its slice {@code [k * window, (k + 1) * window)} of event time, only the first and the last are
     * kept. A window of that length that holds any entry of the slice holds its first or its last (the two are less
     * than a window apart), so every window keeps exactly its distinct tokens, and what is kept is a function of the
     * entries, not of the order they came in. For counts of distinct tokens only: a principal that reads one secret
     * thousands of times keeps a few entries, not thousands.
     */
    static List<Entry> thinned(List<Entry> sorted, Entry added, long window) {
        long slice = Math.floorDiv(added.time(), window);
        int first = -1;
        int last = -1;
        int same = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Entry e = sorted.get(i);
            if (e.token().equals(added.token()) && Math.floorDiv(e.time(), window) == slice) {
                first = first < 0 ? i : first;
                last = i;
                same++;
            }
        }
        if (same <= 2) {
            return sorted;
        }
        List<Entry> kept = new ArrayList<>(sorted.size() - same + 2);
        for (int i = 0; i < sorted.size(); i++) {
            Entry e = sorted.get(i);
            boolean sameSlice = e.token().equals(added.token()) && Math.floorDiv(e.time(), window) == slice;
            if (!sameSlice || i == first || i == last) {
                kept.add(e);
            }
        }
        return kept;
    }
}
