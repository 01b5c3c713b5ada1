package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordParser;
import dev.trailwatch.ingest.reader.RecordSink;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Feeds local files to the sorter in the order of a lower bound of their event times ({@link FileTimeBounds}) and,
 * after each file, releases every record held before the next file's bound: no record still to come can precede
 * them, so the watermark is exact rather than a guessed window, nothing is released before a record that could still
 * come, and there is never a second pass for an order the window did not expect. What stays held is the records of
 * files whose time ranges overlap the files still to read.
 *
 * <p>The detector sees the records in exactly the order of the usual read sorted whole: event time, ties in
 * {@link TrailObject#ORDER} of their files and then in file order (each record's sort sequence is its file's place in
 * that order and its own place in the file), whatever order the files are read in. Each record is checked against its
 * file's bound; one below it ({@link BoundMissed}: the byte scan misread the file) stops the feed before it could be
 * sent out of order, and the caller scans again the usual way ({@link ScanFeed}).
 */
public final class BoundedFeed {

    /** A record of a file lies before the bound the first pass found for the file: this pass cannot be exact. */
    public static final class BoundMissed extends RuntimeException {
        BoundMissed(String message) {
            super(message);
        }
    }

    /**
     * How many released records the sorter's consumer takes without holding the reading up: the detector thread's
     * queue ({@link DetectorThread#room()}).
     */
    public interface Outlet {
        /** Records it takes now without waiting. */
        int takesNow();

        /** Records it takes waiting at most once (at least one). */
        int takesWaitingOnce();

        /** A consumer that never holds the reading up: each release goes out whole, at once. */
        Outlet UNBOUNDED = new Outlet() {
            @Override
            public int takesNow() {
                return Integer.MAX_VALUE;
            }

            @Override
            public int takesWaitingOnce() {
                return Integer.MAX_VALUE;
            }
        };
    }

    /** Files read ahead of the one being sorted, at most (and at most {@value #AHEAD_BYTES} bytes of them). */
    private static final int OBJECTS_AHEAD = 8;
    private static final long AHEAD_BYTES = 2L << 20;
    /**
     * While sending, the sorter may hold a sixteenth of its memory more than when the release began (at -Xmx512m,
     * 4 MB, ~1,300 records, a few milliseconds of the detector's work). More, and more files ahead, starved the
     * detector less but kept more records alive through young collections: on the bench's tree at -Xmx512m, 16
     * files and an eighth took 0.4 s more GC CPU and a full collection in each of three runs, 8 and a sixteenth
     * ~0.2 s and one full collection in three (docs/performance.md, session 17).
     */
    private static final int SLACK_PARTS = 16;

    private final EventTimeSorter sorter;
    private final Predicate<CloudTrailRecord> recordFilter;
    private final RecordParser parser;
    private final Outlet outlet;
    private final CloudTrailFileReader reader = new CloudTrailFileReader();
    /** Everything held before it may go out: no file still to read holds an earlier record. */
    private long watermark = Long.MIN_VALUE;
    /**
     * While records released are still to be sent, the sorter may hold at most this much: what it held when the
     * release began (everything released before was out) and a sixteenth of its memory more, never over fifteen
     * sixteenths of it; and before a record that would make it spill, it sends every record released (so that sending
     * later never makes it spill a run it would not have spilled with each release sent whole). The reading goes on
     * as the consumer takes them.
     */
    private long heldWhileSending = Long.MAX_VALUE;
    private long objects;
    private long filtered;

    /**
     * @param parser the detector's parser ({@link ScanDriver#readerParser()}, one JSON pass), or null: records are
     *               parsed after the sort
     */
    public BoundedFeed(EventTimeSorter sorter, Predicate<CloudTrailRecord> recordFilter, RecordParser parser) {
        this(sorter, recordFilter, parser, Outlet.UNBOUNDED);
    }

    /**
     * @param outlet what the sorter's consumer takes without waiting: records released after a file go out as it
     *               takes them while the next files are read (the detector busy with one file's release while the
     *               sorter's thread reads the next instead of waiting on it), as long as the sorter holds at
     *               most a sixteenth of its memory more than when the release began
     */
    public BoundedFeed(EventTimeSorter sorter, Predicate<CloudTrailRecord> recordFilter, RecordParser parser,
                       Outlet outlet) {
        this.sorter = sorter;
        this.recordFilter = recordFilter;
        this.parser = parser;
        this.outlet = outlet;
    }

    /**
     * Reads {@code files} (in {@link TrailObject#ORDER}) in the order of {@code bounds} (theirs, by position),
     * {@code readThreads} at a time; unreadable objects and bad records go to {@code rejected}.
     *
     * @throws BoundMissed when a record lies before its file's bound (nothing out of order was sent)
     */
    public void feed(List<TrailObject> files, long[] bounds, RecordSink rejected, ScanFeed.Progress progress,
                     int readThreads) throws InterruptedException {
        Integer[] order = readOrder(bounds);
        List<TrailObject> inReadOrder = Arrays.stream(order).map(files::get).toList();
        try (ReadAhead ahead = new ReadAhead(reader, parser, inReadOrder.iterator(), readThreads, OBJECTS_AHEAD,
                AHEAD_BYTES)) {
            for (int k = 0; k < order.length; k++) {
                ReadAhead.Reading reading = ahead.next();
                int rank = order[k];
                long read = reading.drainTo(toSorter(reading.object(), rank, bounds[rank], rejected),
                        this::sendWhileWaiting);
                if (k + 1 < order.length) {
                    if (!sorter.holdsBefore(watermark)) {
                        // a release begins (the last one is out): it may hold a little more while it goes out
                        heldWhileSending = Math.min(sorter.heldBytes() + sorter.memoryBytes() / SLACK_PARTS,
                                sorter.memoryBytes() - sorter.memoryBytes() / SLACK_PARTS);
                    }
                    watermark = bounds[order[k + 1]];
                    sorter.release(watermark, outlet.takesNow());
                }
                objects++;
                progress.objectDone(reading.object(), read);
            }
        }
        sorter.finish();
    }

    /** While the next records are being read: sends what is released, waiting for the consumer at most once. */
    private boolean sendWhileWaiting() {
        return sorter.holdsBefore(watermark) && sorter.release(watermark, outlet.takesWaitingOnce()) > 0;
    }

    /** Positions by bound, ties in list order (a stable sort). */
    static Integer[] readOrder(long[] bounds) {
        Integer[] order = new Integer[bounds.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> bounds[i]));
        return order;
    }

    private RecordSink toSorter(TrailObject object, int rank, long bound, RecordSink rejected) {
        return new RecordSink() {
            private long inFile;

            @Override
            public void record(CloudTrailRecord record) {
                long place = inFile++;
                if (!recordFilter.test(record)) {
                    filtered++;
                    return;
                }
                long time = record.eventTimeMillis() < 0 ? Long.MAX_VALUE : record.eventTimeMillis();
                if (time < bound) {
                    throw new BoundMissed(record.location() + " holds an event before the least eventTime the first "
                            + "pass found in " + object.location());
                }
                // the sorter is full, or this record would make it spill: send what is released first, so that it
                // spills no more than when every release went out whole
                while ((sorter.heldBytes() > heldWhileSending || sorter.wouldSpill(record))
                        && sorter.holdsBefore(watermark)) {
                    sorter.release(watermark, outlet.takesWaitingOnce());
                }
                sorter.add(record, object.source(), (long) rank << 32 | place);
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
