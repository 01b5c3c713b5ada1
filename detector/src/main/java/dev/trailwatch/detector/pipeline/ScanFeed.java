package dev.trailwatch.detector.pipeline;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordParser;
import dev.trailwatch.ingest.reader.RecordSink;
import dev.trailwatch.detector.config.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * Reads CloudTrail objects in {@link TrailObject#ORDER} and hands their records to the sorter, so that the detector
 * receives them in event-time order whatever the order of files, keys and records inside files.
 *
 * <p>When records are released before the end of the input is set by the {@link SortWindow}: by the delivery times
 * in the file names (a file delivered at T holds events from T - window on), or, for the exact sort, never. The
 * adaptive window checks what it assumed: a record that arrives more than the window's tolerance behind records
 * already sent stops the feed ({@link OrderNotKept}): only a new pass, with a window wide enough, gives the exact
 * sort's alerts.
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
    private static final int RELEASE_EVERY = 1024;

    private final SortWindow window;
    private final Predicate<TrailObject> objectFilter;
    private final Predicate<CloudTrailRecord> recordFilter;
    private final CloudTrailFileReader reader = new CloudTrailFileReader();
    private final RecordParser parser;
    private long objects;
    private long filtered;
    private long largestLagMillis;
    private long largestStepBack;
    private long oldestInObject;

    /**
     * The adaptive window's assumption did not hold: a record arrived further behind records already sent than the
     * reorder horizon tolerates. Nothing of this feed can be trusted to give the exact sort's alerts.
     */
    public static final class OrderNotKept extends RuntimeException {
        private final transient SortWindow wider;

        public OrderNotKept(String message, SortWindow wider) {
            super(message);
            this.wider = wider;
        }

        /** A window wide enough for what was seen: twice the lag (or step back) of the record that broke the order. */
        public SortWindow wider() {
            return wider;
        }
    }

    public ScanFeed(EventTimeSorter sorter, SortWindow window, Predicate<TrailObject> objectFilter,
                    Predicate<CloudTrailRecord> recordFilter) {
        this(sorter, window, objectFilter, recordFilter, null);
    }

    /**
     * @param parser the detector's parser ({@link ScanDriver#readerParser()}): the reader threads cut records out of
     *               files by parsing them, and each record carries its parse result to the detector (one JSON pass);
     *               null: records are parsed after the sort
     */
    public ScanFeed(EventTimeSorter sorter, SortWindow window, Predicate<TrailObject> objectFilter,
                    Predicate<CloudTrailRecord> recordFilter, RecordParser parser) {
        this.parser = parser;
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
        try (ReadAhead ahead = new ReadAhead(reader, parser, wanted, readThreads)) {
            while (ahead.hasNext()) {
                ReadAhead.Reading reading = ahead.next();
                TrailObject object = reading.object();
                boolean named = window.window() != null && object.deliveredAt() != null;
                if (named && !window.adaptive()) {
                    sorter.release(object.deliveredAt().minus(window.window()).toEpochMilli());
                }
                // one unnamed file and nothing else (an export): released by the event times it has shown so far
                boolean byEventTime = window.adaptive() && !named && objects == 0 && !ahead.hasNext();
                oldestInObject = Long.MAX_VALUE;
                long read = reading.drainTo(toSorter(object, rejected, byEventTime));
                if (byEventTime) {
                    checkOrder(object, " holds events out of order by more than the sort window", largestStepBack);
                }
                if (named && window.adaptive()) {
                    releaseAfter(object);
                }
                objects++;
                progress.objectDone(object, read);
            }
        }
        sorter.finish();
    }

    /**
     * The adaptive window, once {@code object} is read: the order held so far (or the feed stops), and everything
     * before the object's delivery time minus the window for the largest delivery lag seen
     * ({@link SortWindow#deliveryWidthMillis}) sent.
     */
    private void releaseAfter(TrailObject object) {
        long lag = object.deliveredAt().toEpochMilli() - oldestInObject;
        checkOrder(object, " holds events " + Durations.format(Duration.ofMinutes(Math.max(1, lag / 60_000)))
                + " older than the delivery time in its name", lag);
        long delivered = object.deliveredAt().toEpochMilli();
        if (oldestInObject != Long.MAX_VALUE) {
            largestLagMillis = Math.max(largestLagMillis, delivered - oldestInObject);
        }
        sorter.release(delivered - window.deliveryWidthMillis(largestLagMillis));
    }

    /**
     * Stops the feed when a record arrived as far behind records already sent as the window tolerates, or further: a
     * record exactly the reorder horizon behind is at the very edge of what the detections wait for, so the feed does
     * not count on it (a restart costs time, never an alert).
     */
    private void checkOrder(TrailObject object, String what, long lagMillis) {
        if (sorter.worstBehindMillis() >= window.tolerance().toMillis()) {
            throw new OrderNotKept(object.location() + what + ", which arrived after events "
                    + Durations.format(Duration.ofSeconds(minutesOrSeconds(sorter.worstBehindMillis() / 1000)))
                    + " later had been sent on (at least reorder.horizon, " + Durations.format(window.tolerance())
                    + ")",
                    window.widenedTo(Duration.ofMinutes(2 * lagMillis / 60_000 + 1)));
        }
    }

    /** Whole minutes from a minute on (a message reads "22m", not "1331s"). */
    private static long minutesOrSeconds(long seconds) {
        return seconds >= 60 ? seconds / 60 * 60 : seconds;
    }

    /**
     * Records (those the filter accepts) to the sorter; a failure of the sorter itself (its spill disk) stops the scan.
     * With {@code byEventTime} (an export read alone), every {@value #RELEASE_EVERY} records everything before the
     * latest event time seen minus the window (at least an hour, twice the largest step back in time seen so far) is
     * sent on: an export streams through with an hour held (a sorted one with nothing held while it has not stepped
     * back: {@link SortWindow#streamWhileSorted()}), one newest-first or shuffled is held whole.
     */
    private RecordSink toSorter(TrailObject object, RecordSink rejected, boolean byEventTime) {
        return new RecordSink() {
            private long latest = Long.MIN_VALUE;
            private int sinceRelease;

            @Override
            public void record(CloudTrailRecord record) {
                if (recordFilter.test(record)) {
                    long time = record.eventTimeMillis();
                    if (time >= 0) {
                        oldestInObject = Math.min(oldestInObject, time);
                        if (byEventTime) {
                            latest = Math.max(latest, time);
                            largestStepBack = Math.max(largestStepBack, latest - time);
                        }
                    }
                    sorter.add(record, object.source());
                    if (byEventTime && ++sinceRelease == RELEASE_EVERY && latest != Long.MIN_VALUE) {
                        sinceRelease = 0;
                        checkOrder(object, " holds events out of order by more than the sort window",
                                largestStepBack);
                        // in order so far (and not a pass widened because the order broke): everything read goes on
                        sorter.release(window.streamWhileSorted() && largestStepBack == 0 ? latest + 1
                                : latest - window.widthMillis(largestStepBack));
                    }
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
