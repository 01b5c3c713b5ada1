package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptive sort window on exports: a sorted JSON-lines file streams through (records go on while it is read),
 * a newest-first one or several files are held whole, and one that steps back in time beyond what was already sent
 * stops the feed so that the scan can start again with an exact sort. The output is in event-time order throughout.
 */
class ScanFeedTest {

    private static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
    private static final SortWindow AUTO = SortWindow.auto(SortWindow.AUTO_WINDOW, Duration.ofMinutes(15));
    /** {@code auto}'s first pass over a local tree. */
    private static final SortWindow LOCAL_TREE = AUTO.releasingNearDelivery();

    @TempDir
    Path dir;

    @Test
    void aSortedExportIsSentOnAsItIsReadHoldingNothing() throws Exception {
        Path export = lines("sorted.jsonl", minutes(0, 6_000));

        Fed fed = feed(AUTO, export);

        assertThat(fed.sentBeforeTheEnd()).as("all but the last 1,024 records sent on while the file was read")
                .isEqualTo(5 * 1_024);
        assertThat(fed.times()).hasSize(6_000).isSorted();
        assertThat(fed.behind()).isZero();
    }

    @Test
    void aSortedExportSpillsNothingWhereAnHourHeldWould() throws Exception {
        // a record a second: an hour is 3,600 records, ~1.6MB held
        Path export = lines("sorted.jsonl", minutes(0, 6_000), 1);

        Fed streamed = feed(AUTO, 1 << 20, export);
        Fed held = feed(AUTO.widenedTo(SortWindow.AUTO_WINDOW), 1 << 20, export);

        assertThat(streamed.spilledRuns()).isZero();
        assertThat(streamed.times()).hasSize(6_000).isSorted();
        assertThat(held.sentBeforeTheEnd()).as("a pass widened after a step back holds its hour")
                .isEqualTo(5 * 1_024 - 1 - 3_600);
        assertThat(held.spilledRuns()).isPositive();
        assertThat(held.times()).isEqualTo(streamed.times());
    }

    @Test
    void anExportThatStepsBackWithinTheHorizonAfterItWasSentOnIsCountedAndThenHoldsItsWindow() throws Exception {
        List<Integer> late = new ArrayList<>(minutes(0, 3_000));
        // 20 minutes back, when everything before second 2,048 had gone on: sent ~4 minutes behind
        late.add(1_800);
        late.addAll(minutes(3_000, 6_000));
        Path export = lines("late.jsonl", late, 1);

        Fed fed = feed(AUTO, 1 << 20, export);

        assertThat(fed.behind()).as("sent on behind later ones, within reorder.horizon: no second pass").isEqualTo(1);
        assertThat(fed.spilledRuns()).as("from the first step back on, the hour is held").isPositive();
        assertThat(fed.sentBeforeTheEnd()).as("nothing more before the end: the hour is behind second 2,048")
                .isEqualTo(2 * 1_024);
        List<Long> times = new ArrayList<>(fed.times());
        assertThat(times).hasSize(6_001);
        times.remove(times.lastIndexOf(T0.plusSeconds(1_800).toEpochMilli()));
        assertThat(times).as("in order but for the one sent late").isSorted();
    }

    @Test
    void anExportThatStepsBackBeyondTheHorizonAfterItWasSentOnIsScannedAgainHoldingTheWiderWindow()
            throws Exception {
        List<Integer> late = new ArrayList<>(minutes(0, 3_000));
        // 50 minutes back, when everything before second 2,048 had gone on: 34 minutes behind
        late.add(0);
        late.addAll(minutes(3_000, 3_500));
        Path export = lines("late.jsonl", late, 1);

        assertThatThrownBy(() -> feed(AUTO, export)).isInstanceOf(ScanFeed.OrderNotKept.class)
                .hasMessageContaining("late.jsonl").hasMessageContaining("events 34m later")
                .satisfies(e -> assertThat(((ScanFeed.OrderNotKept) e).wider())
                        .isEqualTo(AUTO.widenedTo(Duration.ofMinutes(100)))
                        .extracting(SortWindow::streamWhileSorted).isEqualTo(false));
        Fed again = feed(AUTO.widenedTo(Duration.ofMinutes(100)), export);
        assertThat(again.behind()).isZero();
        assertThat(again.times()).hasSize(3_501).isSorted();
    }

    @Test
    void aNewestFirstExportIsHeldWholeAndComesOutSorted() throws Exception {
        List<Integer> newestFirst = new ArrayList<>(minutes(0, 3_000));
        newestFirst.addAll(minutes(5_000, 8_000)); // a quiet spell of a day and a half in the middle
        newestFirst.sort(Comparator.reverseOrder());
        Path export = lines("newest-first.jsonl", newestFirst);

        Fed fed = feed(AUTO, export);

        assertThat(fed.sentBeforeTheEnd()).isZero();
        assertThat(fed.times()).hasSize(6_000).isSorted();
    }

    @Test
    void severalExportsAreSortedWhole() throws Exception {
        Path first = lines("a.jsonl", minutes(0, 300));
        Path second = lines("b.jsonl", minutes(0, 300));

        Fed fed = feed(AUTO, first, second);

        assertThat(fed.sentBeforeTheEnd()).isZero();
        assertThat(fed.times()).hasSize(600).isSorted();
    }

    @Test
    void anExportThatStepsBackFurtherThanTheHorizonStopsTheFeed() throws Exception {
        List<Integer> concatenated = new ArrayList<>(minutes(0, 3_000));
        concatenated.addAll(minutes(0, 100));
        Path export = lines("concatenated.jsonl", concatenated);

        assertThatThrownBy(() -> feed(AUTO, export)).isInstanceOf(ScanFeed.OrderNotKept.class)
                .hasMessageContaining("concatenated.jsonl").hasMessageContaining("reorder.horizon")
                .satisfies(e -> assertThat(((ScanFeed.OrderNotKept) e).wider().window())
                        .as("twice the step back of 2,999 minutes, and one").isEqualTo(Duration.ofMinutes(5_999)));
        SortWindow wider = AUTO.widenedTo(Duration.ofMinutes(5_999));
        assertThat(feed(wider, export).times()).hasSize(3_100).isSorted();
        assertThat(feed(SortWindow.exact(), export).times()).hasSize(3_100).isSorted();
    }

    @Test
    void aCloudTrailFileFarOlderThanItsNameStopsTheFeedWithAWindowWideEnoughForIt() throws Exception {
        List<Path> files = hourlyFiles();
        // delivered at 13:10 with an event of 10:30: 2h40m late, beyond the hour and the horizon (S3 reads this way)
        files.add(named(T0.plusSeconds(3 * 3_600 + 600), "delayed0", T0.plusSeconds(1_800)));

        assertThatThrownBy(() -> feed(AUTO, files.toArray(Path[]::new))).isInstanceOf(ScanFeed.OrderNotKept.class)
                .hasMessageContaining("delayed0").hasMessageContaining("older than the delivery time in its name")
                .satisfies(e -> assertThat(((ScanFeed.OrderNotKept) e).wider().window())
                        .isEqualTo(Duration.ofMinutes(321)));
        Fed again = feed(AUTO.widenedTo(Duration.ofMinutes(321)), files.toArray(Path[]::new));
        assertThat(again.behind()).isZero();
        assertThat(again.times()).hasSize(9).isSorted();
    }

    @Test
    void aCloudTrailFileLessThanTheHorizonLateIsSentOnBehindAndCounted() throws Exception {
        List<Path> files = hourlyFiles();
        // delivered at 13:10 with an event of 11:54: with S3's hour, sent on after events up to 12:01, 7 minutes later
        files.add(named(T0.plusSeconds(3 * 3_600 + 600), "delayed1", T0.plusSeconds(3_600 + 54 * 60)));

        Fed fed = feed(AUTO, files.toArray(Path[]::new));

        assertThat(fed.behind()).isEqualTo(1);
        assertThat(fed.times()).hasSize(9);
    }

    @Test
    void inALocalTreeAFileAnHourOlderThanFilesDeliveredBeforeItStopsTheFeed() throws Exception {
        List<Path> files = hourlyFiles();
        // the same file: the files before it, 5 minutes late, went on as they were read, so it arrives after the
        // event of 13:01, more than the horizon later
        files.add(named(T0.plusSeconds(3 * 3_600 + 600), "delayed1", T0.plusSeconds(3_600 + 54 * 60)));

        assertThatThrownBy(() -> feed(LOCAL_TREE, files.toArray(Path[]::new)))
                .isInstanceOf(ScanFeed.OrderNotKept.class)
                .hasMessageContaining("delayed1").hasMessageContaining("events 67m later had been sent on (at least reorder.horizon, 15m)");
    }

    @Test
    void aRecordExactlyTheHorizonBehindStopsTheFeedOneSecondLessDoesNot() throws Exception {
        // the files before went on up to the event of 13:01:00; 12:46:00 is exactly 15 minutes behind it
        List<Path> edge = hourlyFiles();
        edge.add(named(T0.plusSeconds(3 * 3_600 + 600), "edge", T0.plusSeconds(2 * 3_600 + 46 * 60)));
        List<Path> within = hourlyFiles();
        within.add(named(T0.plusSeconds(3 * 3_600 + 600), "within", T0.plusSeconds(2 * 3_600 + 46 * 60 + 1)));

        assertThatThrownBy(() -> feed(LOCAL_TREE, edge.toArray(Path[]::new)))
                .isInstanceOf(ScanFeed.OrderNotKept.class).hasMessageContaining("events 15m later had been sent on");
        Fed fed = feed(LOCAL_TREE, within.toArray(Path[]::new));
        assertThat(fed.behind()).isEqualTo(1);
        assertThat(fed.worstBehindMillis()).isEqualTo(Duration.ofMinutes(15).minusSeconds(1).toMillis());
    }

    @Test
    void inALocalTreeAFileLessThanTheHorizonLateIsSentOnBehindAndCounted() throws Exception {
        List<Path> files = hourlyFiles();
        // delivered at 13:10 with an event of 12:55: sent on after the event of 13:01, 6 minutes later
        files.add(named(T0.plusSeconds(3 * 3_600 + 600), "delayed1", T0.plusSeconds(2 * 3_600 + 55 * 60)));

        Fed fed = feed(LOCAL_TREE, files.toArray(Path[]::new));

        assertThat(fed.behind()).isEqualTo(1);
        assertThat(fed.times()).hasSize(9);
    }

    @Test
    void inALocalTreeCloudTrailsFiveMinuteFilesGoOnAsTheyAreReadHoldingNothingAnHourWouldSpill() throws Exception {
        // three accounts' files of five minutes each, delivered 5 minutes after their five minutes end, each
        // holding a record a second: they overlap whole, and an hour held (10,800 records, ~5MB) would spill
        List<Path> files = new ArrayList<>();
        for (int slot = 0; slot < 24; slot++) {
            for (int account = 0; account < 3; account++) {
                Instant start = T0.plusSeconds(slot * 300L);
                Instant[] times = new Instant[300];
                for (int i = 0; i < 300; i++) {
                    times[i] = start.plusSeconds((i * 7L + account) % 300);
                }
                files.add(named(start.plusSeconds(600), "a" + account + "s" + slot, times));
            }
        }

        Fed fed = feed(LOCAL_TREE, 1 << 20, files.toArray(Path[]::new));
        Fed s3 = feed(AUTO, 1 << 20, files.toArray(Path[]::new));

        assertThat(s3.spilledRuns()).as("S3's hour behind the deliveries").isPositive();
        assertThat(s3.times()).hasSize(24 * 3 * 300).isSorted();
        assertThat(fed.spilledRuns()).isZero();
        assertThat(fed.times()).hasSize(24 * 3 * 300);
        // lag 10 minutes: each file's records go on once it is read (released 2.5 minutes behind its delivery), so
        // the other accounts' files of the same five minutes arrive after them, within the horizon
        assertThat(fed.sentBeforeTheEnd()).as("every record went on as its file was read").isEqualTo(24 * 3 * 300);
        assertThat(fed.behind()).isPositive();
        assertThat(fed.worstBehindMillis()).isLessThan(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void inALocalTreeFilesThatEachHoldHoursAreHeldForTheirLagLessHalfTheHorizonAndComeOutSorted() throws Exception {
        // each file holds the two hours before its delivery: the window grows to 2h - 7.5m once the first is read
        List<Path> files = new ArrayList<>();
        for (int file = 0; file < 6; file++) {
            Instant delivered = T0.plusSeconds((file + 2) * 3_600L);
            Instant[] times = new Instant[120];
            for (int m = 0; m < 120; m++) {
                times[m] = delivered.minusSeconds(((m * 37L) % 120 + 1) * 60);
            }
            files.add(named(delivered, "h" + file, times));
        }

        Fed fed = feed(LOCAL_TREE, files.toArray(Path[]::new));

        assertThat(fed.times()).hasSize(6 * 120).isSorted();
        assertThat(fed.behind()).isZero();
        // after the last file (delivered at 7:00): everything before 5:07:30, 4 files whole and 68 + 8 minutes
        assertThat(fed.sentBeforeTheEnd()).isEqualTo(4 * 120 + 68 + 8);
    }

    /** One account's file each hour from T0, delivered 5 minutes after its two events. */
    private List<Path> hourlyFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int hour = 0; hour < 4; hour++) {
            Instant t = T0.plusSeconds(hour * 3_600L);
            files.add(named(t.plusSeconds(300), "hourly" + hour, t, t.plusSeconds(60)));
        }
        return files;
    }

    private Path named(Instant delivered, String id, Instant... times) throws IOException {
        String time = delivered.toString().replace("-", "").replace(":", "").substring(0, 13) + "Z";
        return Files.write(dir.resolve("111122223333_CloudTrail_us-east-1_" + time + "_" + id + ".json.gz"),
                FileTimeBoundsTest.gzipped(FileTimeBoundsTest.envelope(times)));
    }

    private record Fed(int sentBeforeTheEnd, List<Long> times, long spilledRuns, long behind,
                       long worstBehindMillis) {
    }

    private Fed feed(SortWindow window, Path... files) throws Exception {
        return feed(window, 64L << 20, files);
    }

    private Fed feed(SortWindow window, long memoryBytes, Path... files) throws Exception {
        List<Long> times = new ArrayList<>();
        int[] sentWhenRead = {-1};
        List<TrailObject> objects = new ArrayList<>();
        for (Path file : files) {
            objects.add(TrailObject.of(file.getFileName().toString(), file.toString(), "file", Files.size(file),
                    () -> Files.newInputStream(file)));
        }
        try (EventTimeSorter sorter = new EventTimeSorter(memoryBytes, dir, e -> times.add(e.sortTime()))) {
            ScanFeed feed = new ScanFeed(sorter, window, o -> true, r -> true);
            feed.feed(objects.iterator(), new FailOnRejection(), (object, records) -> sentWhenRead[0] = times.size(),
                    2);
            return new Fed(sentWhenRead[0], times, sorter.spilledRuns(), sorter.behindWatermark(),
                    sorter.worstBehindMillis());
        }
    }

    /** Minutes {@code from} (inclusive) to {@code to} (exclusive) after T0, one record each. */
    private static List<Integer> minutes(int from, int to) {
        List<Integer> minutes = new ArrayList<>();
        for (int m = from; m < to; m++) {
            minutes.add(m);
        }
        return minutes;
    }

    private Path lines(String name, List<Integer> minutes) throws IOException {
        return lines(name, minutes, 60);
    }

    /** One record at each of {@code times}, counted in units of {@code unitSeconds} after T0. */
    private Path lines(String name, List<Integer> times, long unitSeconds) throws IOException {
        StringBuilder text = new StringBuilder();
        int n = 0;
        for (int time : times) {
            text.append("{\"eventVersion\":\"1.08\",\"eventTime\":\"").append(T0.plusSeconds(unitSeconds * time))
                    .append("\",\"eventID\":\"e").append(n++).append("\",\"eventName\":\"ListUsers\",")
                    .append("\"eventSource\":\"iam.amazonaws.com\",\"awsRegion\":\"us-east-1\",")
                    .append("\"recipientAccountId\":\"111122223333\"}\n");
        }
        return Files.writeString(dir.resolve(name), text);
    }

    private static final class FailOnRejection implements RecordSink {
        @Override
        public void record(CloudTrailRecord record) {
            throw new IllegalStateException("records go to the sorter");
        }

        @Override
        public void rejected(String where, String reason) {
            throw new AssertionError(where + ": " + reason);
        }
    }
}
