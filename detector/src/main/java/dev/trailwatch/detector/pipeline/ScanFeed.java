package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * Reads CloudTrail objects in {@link TrailObject#ORDER} and hands their records to the sorter, so that the detector
 * receives them in event-time order whatever the order of files, keys and records inside files.
 *
 * <p>With a {@code window}, records are released as the delivery times in the file names pass: a file delivered at T
 * holds events from T - window on (CloudTrail delivers within minutes), so once the next file to read was delivered at
 * T, everything before T - window is final. Without one, nothing is released before the end of the input (an exact
 * sort of any input; memory stays bounded by spilling sorted runs to disk).
 *
 * <p>Objects are decoded and scanned on reader threads ahead of the sorter ({@link ReadAhead}); the sorter, the
 * releases and the counts stay on the caller's thread and see the objects' records in the same order as one reader.
 */
public final class ScanFeed {

    /** Progress, called on the reading thread after each object. */
    public interface Progress {
        void objectDone(TrailObject object, long records);
    }

    private final EventTimeSorter sorter;
    private final Duration window;
    private final Predicate<TrailObject> objectFilter;
    private final Predicate<CloudTrailRecord> recordFilter;
    private final CloudTrailFileReader reader = new CloudTrailFileReader();
    private long objects;
    private long filtered;

    public ScanFeed(EventTimeSorter sorter, Duration window, Predicate<TrailObject> objectFilter,
                    Predicate<CloudTrailRecord> recordFilter) {
        this.sorter = sorter;
        this.window = window;
        this.objectFilter = objectFilter;
        this.recordFilter = recordFilter;
    }

    /**
     * Reads every object; unreadable ones and bad records go to {@code rejected}, never stop the feed. Objects are
     * read {@code readThreads} at a time ahead of the sorter, which still receives them in input order.
     */
    public void feed(Iterator<TrailObject> inputs, RecordSink rejected, Progress progress, int readThreads)
            throws InterruptedException {
        Iterator<TrailObject> wanted = new Iterator<>() {
            private TrailObject next = advance();

            private TrailObject advance() {
                while (inputs.hasNext()) {
                    TrailObject object = inputs.next();
                    if (objectFilter.test(object)) {
                        return object;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public TrailObject next() {
                TrailObject object = next;
                next = advance();
                return object;
            }
        };
        try (ReadAhead ahead = new ReadAhead(reader, wanted, readThreads)) {
            while (ahead.hasNext()) {
                ReadAhead.Reading reading = ahead.next();
                TrailObject object = reading.object();
                if (window != null && object.deliveredAt() != null) {
                    sorter.release(object.deliveredAt().minus(window).toEpochMilli());
                }
                long read = reading.drainTo(toSorter(object, rejected));
                objects++;
                progress.objectDone(object, read);
            }
        }
        sorter.finish();
    }

    /** Records (those the filter accepts) to the sorter; a failure of the sorter itself (its spill disk) stops the scan. */
    private RecordSink toSorter(TrailObject object, RecordSink rejected) {
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                if (recordFilter.test(record)) {
                    sorter.add(record, object.source());
                } else {
                    filtered++;
                }
            }

            @Override
            public void rejected(String location, String reason) {
                rejected.rejected(location, reason);
            }
        };
    }

    public long objects() {
        return objects;
    }

    /** Records outside --since/--until, --accounts, --regions. */
    public long filtered() {
        return filtered;
    }
}
