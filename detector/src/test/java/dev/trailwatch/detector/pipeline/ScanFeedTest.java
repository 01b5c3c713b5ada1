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

    @TempDir
    Path dir;

    @Test
    void aSortedExportStreamsThroughWithAnHourHeld() throws Exception {
        Path export = lines("sorted.jsonl", minutes(0, 6_000));

        Fed fed = feed(AUTO, export);

        assertThat(fed.sentBeforeTheEnd()).as("sent on while the file was read").isGreaterThan(4_000);
        assertThat(fed.sentBeforeTheEnd()).as("at least an hour held").isLessThanOrEqualTo(5_940);
        assertThat(fed.times()).hasSize(6_000).isSorted();
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

    private record Fed(int sentBeforeTheEnd, List<Long> times) {
    }

    private Fed feed(SortWindow window, Path... files) throws Exception {
        List<Long> times = new ArrayList<>();
        int[] sentWhenRead = {-1};
        List<TrailObject> objects = new ArrayList<>();
        for (Path file : files) {
            objects.add(TrailObject.of(file.getFileName().toString(), file.toString(), "file", Files.size(file),
                    () -> Files.newInputStream(file)));
        }
        try (EventTimeSorter sorter = new EventTimeSorter(64L << 20, dir, e -> times.add(e.sortTime()))) {
            ScanFeed feed = new ScanFeed(sorter, window, o -> true, r -> true);
            feed.feed(objects.iterator(), new FailOnRejection(), (object, records) -> sentWhenRead[0] = times.size(),
                    2);
        }
        return new Fed(sentWhenRead[0], times);
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
        StringBuilder text = new StringBuilder();
        int n = 0;
        for (int minute : minutes) {
            text.append("{\"eventVersion\":\"1.08\",\"eventTime\":\"").append(T0.plusSeconds(60L * minute))
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
