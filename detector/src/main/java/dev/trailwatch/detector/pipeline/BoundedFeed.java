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

    private final EventTimeSorter sorter;
    private final Predicate<CloudTrailRecord> recordFilter;
    private final RecordParser parser;
    private final CloudTrailFileReader reader = new CloudTrailFileReader();
    private long objects;
    private long filtered;

    /**
     * @param parser the detector's parser ({@link ScanDriver#readerParser()}, one JSON pass), or null: records are
     *               parsed after the sort
     */
    public BoundedFeed(EventTimeSorter sorter, Predicate<CloudTrailRecord> recordFilter, RecordParser parser) {
        this.sorter = sorter;
        this.recordFilter = recordFilter;
        this.parser = parser;
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
        try (ReadAhead ahead = new ReadAhead(reader, parser, inReadOrder.iterator(), readThreads)) {
            for (int k = 0; k < order.length; k++) {
                ReadAhead.Reading reading = ahead.next();
                int rank = order[k];
                long read = reading.drainTo(toSorter(reading.object(), rank, bounds[rank], rejected));
                if (k + 1 < order.length) {
                    sorter.release(bounds[order[k + 1]]);
                }
                objects++;
                progress.objectDone(reading.object(), read);
            }
        }
        sorter.finish();
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
