package dev.trailwatch.detector.pipeline;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Merges sources that are each already in {@link TrailObject#ORDER} (a sorted local listing, one S3 account/region
 * folder listed in key order) into one stream in that order, pulling from each only as far as needed: an S3
 * organization trail is listed page by page, never held whole.
 */
public final class MergedObjects implements Iterator<TrailObject> {

    private record Head(TrailObject object, Iterator<TrailObject> rest) {
    }

    private final PriorityQueue<Head> heads =
            new PriorityQueue<>((a, b) -> TrailObject.ORDER.compare(a.object(), b.object()));

    public MergedObjects(List<Iterator<TrailObject>> sources) {
        sources.forEach(this::push);
    }

    private void push(Iterator<TrailObject> source) {
        if (source.hasNext()) {
            heads.add(new Head(source.next(), source));
        }
    }

    @Override
    public boolean hasNext() {
        return !heads.isEmpty();
    }

    @Override
    public TrailObject next() {
        Head head = heads.poll();
        if (head == null) {
            throw new NoSuchElementException();
        }
        push(head.rest());
        return head.object();
    }
}
