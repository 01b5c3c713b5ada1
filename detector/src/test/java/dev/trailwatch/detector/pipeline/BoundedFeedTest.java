package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.pipeline.BoundedFeed.Outlet;
import dev.trailwatch.detector.parse.ReaderParsers;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordParser;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local tree read in the order of its files' least event times, released after each file up to the next file's
 * bound, gives the sorter's consumer exactly what the exact sort of the usual read gives (the same records, rejections
 * and order, ties in the files' scan order), while sending records on before the end, spilling nothing and sending
 * nothing behind; a record below its file's bound stops the feed before it is sent.
 */
class BoundedFeedTest {

    private static final RecordParser PARSER = ReaderParsers.of(new CloudTrailParser());
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aTreeWhoseFilesOverlapHeavilyGivesTheExactSortRecordByRecord() throws Exception {
        Random random = new Random(5);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant delivered = T0.plusSeconds(300L * (i / 3) + 600);
            List<Instant> times = new ArrayList<>();
            for (int r = 0; r < 40; r++) {
                // half-minute steps: many records of different files share an event time; up to 40 minutes of lag
                times.add(delivered.minusSeconds(30L * random.nextInt(80)));
            }
            files.add(named(i % 4, delivered, "f" + i, times)); // in no order inside the file
        }
        files.add(named(1, T0.plusSeconds(4_000), "daysApart",
                List.of(T0.plusSeconds(3_700), T0.minusSeconds(3 * 86_400), T0.plusSeconds(3_650))));
        files.add(named(2, T0.plusSeconds(2_000), "empty", List.of()));
        byte[] corrupt = FileTimeBoundsTest.gzipped(FileTimeBoundsTest.envelope(T0.plusSeconds(1_000)));
        Arrays.fill(corrupt, 12, corrupt.length - 8, (byte) 0x55);
        files.add(Files.write(dir.resolve(name(3, T0.plusSeconds(1_200), "corrupt")), corrupt));
        Collections.shuffle(files, random);

        Fed exact = exactSort(files);
        Fed bounded = bounded(files, 64L << 20);

        assertThat(exact.locations()).hasSize(60 * 40 + 3);
        assertThat(bounded.locations()).as("the same records in the same order").isEqualTo(exact.locations());
        assertThat(bounded.rejected()).as("the corrupt gzip reported as the usual read reports it")
                .isEqualTo(exact.rejected()).isNotEmpty().allMatch(r -> r.contains("_corrupt.json.gz"));
        assertThat(bounded.behind()).isZero();
        assertThat(bounded.sentBeforeTheLastFile()).as("records sent on while the tree was read").isPositive();
    }

    @Test
    void aConsumerThatTakesAFewRecordsAtATimeGetsTheSameOrderWithNoMoreHeldThanItsSlack() throws Exception {
        Random random = new Random(9);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            // five-minute files of six accounts: each five minutes' files overlap whole, as CloudTrail's do
            Instant delivered = T0.plusSeconds(300L * (i / 6) + 600);
            List<Instant> times = new ArrayList<>();
            for (int r = 0; r < 30; r++) {
                times.add(delivered.minusSeconds(300 + random.nextInt(300)));
            }
            files.add(named(i % 6, delivered, "f" + i, times));
        }
        files.add(named(2, T0.plusSeconds(9_000), "daysApart", List.of(T0.minusSeconds(2 * 86_400))));
        long memory = 1L << 20;

        Fed whole = bounded(files, memory, Outlet.UNBOUNDED);
        Fed few = bounded(files, memory, new FewAtATime(random));

        assertThat(few.locations()).hasSize(90 * 30 + 1).as("the same records in the same order")
                .isEqualTo(whole.locations()).isEqualTo(exactSort(files, 64L << 20).locations());
        assertThat(few.behind()).isZero();
        assertThat(whole.spilledRuns()).isZero();
        assertThat(few.spilledRuns()).as("sending later never makes the sorter spill").isZero();
        // held beyond a whole release: at most a sixteenth of the sort's memory, and the record added past it (each
        // is ~1.6 KB by the sorter's reckoning; the most held is seen as records go out, one record below the peak)
        assertThat(few.mostHeld()).isLessThanOrEqualTo(whole.mostHeld() + memory / 16 + 4_096);
    }

    /**
     * A record larger than the slack, arriving while released records are still unsent: they go out first, so the
     * sorter spills exactly the runs it spilled when each release went out whole (sizes swept across the point where
     * the unsent records would have tipped it over).
     */
    @Test
    void aRecordLargerThanTheSlackSpillsNoMoreThanWholeReleasesDid() throws Exception {
        long memory = 256L << 10;
        for (int big = 136 << 10; big <= 184 << 10; big += 512) {
            Random random = new Random(big);
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Instant delivered = T0.plusSeconds(300L * (i / 2) + 600);
                List<Instant> times = new ArrayList<>();
                for (int r = 0; r < 30; r++) {
                    times.add(delivered.minusSeconds(300 + random.nextInt(300)));
                }
                files.add(named(i % 2, delivered, "f" + i, times, i == 9 ? big : 0));
            }

            Fed whole = bounded(files, memory, Outlet.UNBOUNDED);
            Fed few = bounded(files, memory, new FewAtATime(random));

            assertThat(few.locations()).as("%d bytes", big).isEqualTo(whole.locations());
            assertThat(few.spilledRuns()).as("%d bytes", big).isEqualTo(whole.spilledRuns());
        }
    }

    @Test
    void afterEachFileEverythingBeforeTheNextFilesBoundIsSentAndNothingIsSpilled() throws Exception {
        // four files, each an hour, named in the reverse of their event times
        List<Path> files = new ArrayList<>();
        for (int h = 0; h < 4; h++) {
            List<Instant> times = new ArrayList<>();
            for (int s = 3_599; s >= 0; s -= 10) {
                times.add(T0.plusSeconds(3_600L * h + s));
            }
            files.add(named(0, T0.plusSeconds(86_400 - 3_600L * h), "h" + h, times));
        }
        List<Integer> sentAfterEach = new ArrayList<>();

        // room for an hour of these records (360, ~600 KB by the sorter's reckoning), not for the four
        Fed fed = bounded(files, 1L << 20, sentAfterEach);
        Fed exact = exactSort(files, 1L << 20);

        assertThat(sentAfterEach).as("each hour goes on once the next hour's file is known to start after it; the "
                + "last at the end").containsExactly(360, 720, 1_080, 1_080);
        assertThat(fed.spilledRuns()).isZero();
        assertThat(exact.spilledRuns()).as("holding the tree whole spills").isPositive();
        assertThat(fed.locations()).hasSize(1_440).isEqualTo(exact.locations());
    }

    @Test
    void recordsOfTheSameTimeKeepTheOrderOfTheirFilesNamesWhateverOrderTheFilesAreReadIn() throws Exception {
        Path first = named(0, T0.plusSeconds(600), "a", List.of(T0.plusSeconds(60), T0.plusSeconds(60)));
        // delivered later, but holds an earlier record: read first
        Path second = named(0, T0.plusSeconds(900), "b", List.of(T0.plusSeconds(60), T0, T0.plusSeconds(60)));

        Fed fed = bounded(List.of(first, second), 64L << 20);

        assertThat(fed.locations()).containsExactly(second + "#1", first + "#0", first + "#1", second + "#0",
                second + "#2");
    }

    @Test
    void aRecordBelowTheBoundItsFileWasGivenStopsTheFeedBeforeItIsSent() throws Exception {
        Path first = named(0, T0.plusSeconds(600), "a", List.of(T0.plusSeconds(60), T0.plusSeconds(120)));
        Path second = named(0, T0.plusSeconds(900), "b", List.of(T0.plusSeconds(30), T0.plusSeconds(400)));
        List<TrailObject> objects = objects(List.of(first, second));
        List<String> sent = new ArrayList<>();
        // as if the first pass had misread the second file: its bound above its first record
        long[] bounds = {T0.plusSeconds(60).toEpochMilli(), T0.plusSeconds(400).toEpochMilli()};

        try (EventTimeSorter sorter = new EventTimeSorter(64L << 20, dir, e -> sent.add(e.record().location()))) {
            BoundedFeed feed = new BoundedFeed(sorter, r -> true, PARSER);
            assertThatThrownBy(() -> feed.feed(objects, bounds, new Rejections(), (o, n) -> { }, 2))
                    .isInstanceOf(BoundedFeed.BoundMissed.class).hasMessageContaining(second + "#0")
                    .hasMessageContaining("least eventTime");
            assertThat(sent).as("the first file's records, bound below the second file's bound; nothing of the second")
                    .containsExactly(first + "#0", first + "#1");
        }
    }

    private record Fed(List<String> locations, List<String> rejected, long behind, long spilledRuns,
                       int sentBeforeTheLastFile, long mostHeld) {
        Fed(List<String> locations, List<String> rejected, long behind, long spilledRuns, int sentBeforeTheLastFile) {
            this(locations, rejected, behind, spilledRuns, sentBeforeTheLastFile, 0);
        }
    }

    /** A consumer with room for nothing now and then, else a few records: the detector's queue, busy. */
    private static final class FewAtATime implements Outlet {
        private final Random random;

        FewAtATime(Random random) {
            this.random = random;
        }

        @Override
        public int takesNow() {
            return random.nextInt(3) == 0 ? 0 : random.nextInt(5);
        }

        @Override
        public int takesWaitingOnce() {
            return 1 + random.nextInt(5);
        }
    }

    private Fed bounded(List<Path> files, long memoryBytes, Outlet outlet) throws Exception {
        List<String> sent = new ArrayList<>();
        Rejections rejections = new Rejections();
        List<TrailObject> objects = objects(files);
        objects.sort(TrailObject.ORDER);
        long[] bounds = FileTimeBounds.start(objects, 2).get();
        long[] mostHeld = {0};
        EventTimeSorter[] sorter = new EventTimeSorter[1];
        try (EventTimeSorter s = new EventTimeSorter(memoryBytes, dir, e -> {
            mostHeld[0] = Math.max(mostHeld[0], sorter[0].heldBytes());
            sent.add(e.record().location());
        })) {
            sorter[0] = s;
            BoundedFeed feed = new BoundedFeed(s, r -> true, PARSER, outlet);
            feed.feed(objects, bounds, rejections, (o, n) -> { }, 2);
            return new Fed(sent, rejections.reasons, s.behindWatermark(), s.spilledRuns(), 0, mostHeld[0]);
        }
    }

    private Fed exactSort(List<Path> files) throws Exception {
        return exactSort(files, 64L << 20);
    }

    private Fed exactSort(List<Path> files, long memoryBytes) throws Exception {
        List<String> sent = new ArrayList<>();
        Rejections rejections = new Rejections();
        List<TrailObject> objects = objects(files);
        objects.sort(TrailObject.ORDER);
        try (EventTimeSorter sorter = new EventTimeSorter(memoryBytes, dir, e -> sent.add(e.record().location()))) {
            new ScanFeed(sorter, SortWindow.exact(), o -> true, r -> true, PARSER)
                    .feed(objects.iterator(), rejections, (o, n) -> { }, 2);
            return new Fed(sent, rejections.reasons, sorter.behindWatermark(), sorter.spilledRuns(), 0);
        }
    }

    private Fed bounded(List<Path> files, long memoryBytes) throws Exception {
        return bounded(files, memoryBytes, new ArrayList<>());
    }

    private Fed bounded(List<Path> files, long memoryBytes, List<Integer> sentAfterEach) throws Exception {
        List<String> sent = new ArrayList<>();
        Rejections rejections = new Rejections();
        List<TrailObject> objects = objects(files);
        objects.sort(TrailObject.ORDER);
        long[] bounds = FileTimeBounds.start(objects, 2).get();
        try (EventTimeSorter sorter = new EventTimeSorter(memoryBytes, dir, e -> sent.add(e.record().location()))) {
            BoundedFeed feed = new BoundedFeed(sorter, r -> true, PARSER);
            feed.feed(objects, bounds, rejections, (o, n) -> sentAfterEach.add(sent.size()), 2);
            assertThat(feed.objects()).isEqualTo(files.size());
            return new Fed(sent, rejections.reasons, sorter.behindWatermark(), sorter.spilledRuns(),
                    sentAfterEach.get(sentAfterEach.size() - 1));
        }
    }

    private static List<TrailObject> objects(List<Path> files) {
        return new ArrayList<>(files.stream().map(FileTimeBoundsTest::object).toList());
    }

    /** A CloudTrail-named {@code .json.gz} envelope of {@code account}'s records at {@code times}, in that order. */
    private Path named(int account, Instant delivered, String id, List<Instant> times) throws IOException {
        return named(account, delivered, id, times, 0);
    }

    /** As above, the first record carrying {@code padding} more bytes (a large request, as real records can hold). */
    private Path named(int account, Instant delivered, String id, List<Instant> times, int padding)
            throws IOException {
        StringBuilder text = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < times.size(); i++) {
            text.append(i == 0 ? "" : ",").append("{\"eventVersion\":\"1.08\",");
            if (i == 0 && padding > 0) {
                text.append("\"requestParameters\":{\"policy\":\"").append("x".repeat(padding)).append("\"},");
            }
            text.append("\"eventTime\":\"").append(times.get(i))
                    .append("\",\"eventID\":\"").append(id).append('-').append(i).append("\",\"eventName\":")
                    .append("\"ListUsers\",\"eventSource\":\"iam.amazonaws.com\",\"awsRegion\":\"us-east-1\",")
                    .append("\"recipientAccountId\":\"").append(accountId(account)).append("\"}");
        }
        text.append("]}");
        return Files.write(dir.resolve(name(account, delivered, id)), FileTimeBoundsTest.gzipped(text.toString()));
    }

    private static String name(int account, Instant delivered, String id) {
        return accountId(account) + "_CloudTrail_us-east-1_" + NAME_TIME.format(delivered) + "_" + id + ".json.gz";
    }

    private static String accountId(int account) {
        return String.valueOf(111_122_223_330L + account);
    }

    private static final class Rejections implements RecordSink {
        private final List<String> reasons = new ArrayList<>();

        @Override
        public void record(CloudTrailRecord record) {
            throw new IllegalStateException("records go to the sorter");
        }

        @Override
        public void rejected(String where, String reason) {
            reasons.add(where + ": " + reason);
        }
    }
}
