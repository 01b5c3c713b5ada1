package dev.trailwatch.ingest.source;

import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Merges several folders' keys into one delivery-time order, so a backfill feeds history in event-time order. */
final class KeyMerge {

    private final PriorityQueue<PrefixCursor> heads = new PriorityQueue<>(Comparator.comparing(PrefixCursor::sortKey));
    private PrefixCursor last;

    KeyMerge(List<PrefixCursor> cursors) {
        for (PrefixCursor c : cursors) {
            if (c.advance()) {
                heads.add(c);
            }
        }
    }

    /** The cursor holding the next key overall, or null when all are done. The previous one advances first. */
    PrefixCursor next() {
        if (last != null && last.advance()) {
            heads.add(last);
        }
        last = heads.poll();
        return last;
    }
}
