package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Reads CloudTrail objects in {@link TrailObject#ORDER} and hands their records to the sorter, so that the detector
 * receives them in event-time order whatever the order of files, keys and records inside files.
 *
 * <p>With a {@code window}, records are released as the delivery times in the file names pass: a file delivered at T
 * holds events from T - window on (CloudTrail delivers within minutes), so once the next file to read was delivered at
 * T, everything before T - window is final. Without one, nothing is released before the end of the input (an exact
 * sort of any input; memory stays bounded by spilling sorted runs to disk).
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

    /** Reads every object; unreadable ones and bad records go to {@code rejected}, never stop the feed. */
    public void feed(Iterator<TrailObject> inputs, RecordSink rejected, Progress progress) {
        while (inputs.hasNext()) {
            TrailObject object = inputs.next();
            if (!objectFilter.test(object)) {
                continue;
            }
            if (window != null && object.deliveredAt() != null) {
                sorter.release(object.deliveredAt().minus(window).toEpochMilli());
            }
            long read = read(object, rejected);
            objects++;
            progress.objectDone(object, read);
        }
        sorter.finish();
    }

    private long read(TrailObject object, RecordSink rejected) {
        long[] count = {0};
        RecordSink sink = new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                count[0]++;
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
        try (InputStream in = object.opener().open()) {
            reader.read(in, object.location(), sink);
        } catch (IOException | SdkException e) {
            // the object's stream failed (disk, network): its complete records are in, the rest is reported;
            // a failure of the sorter itself (its spill disk) is not caught here: it stops the scan
            rejected.rejected(object.location(), "cannot read: " + e.getMessage());
        }
        return count[0];
    }

    public long objects() {
        return objects;
    }

    /** Records outside --since/--until, --accounts, --regions. */
    public long filtered() {
        return filtered;
    }
}
