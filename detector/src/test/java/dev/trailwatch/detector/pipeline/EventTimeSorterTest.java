package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.bench.TrafficGenerator;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What scan feeds the detector: every record, in event-time order, whatever order it was read in. */
class EventTimeSorterTest {

    @TempDir
    Path spill;

    @Test
    void putsShuffledRecordsInEventTimeOrderSpillingSortedRunsToDisk() throws Exception {
        List<CloudTrailRecord> records = records(5_000, 1);
        List<CloudTrailRecord> out = new ArrayList<>();
        List<Path> runsSeen = new ArrayList<>();
        try (EventTimeSorter sorter = new EventTimeSorter(64 * 1024, spill, e -> out.add(e.record()))) {
            records.forEach(r -> sorter.add(r, "file"));
            runsSeen.addAll(sorter.openRuns());
            assertThat(sorter.spilledRuns()).isGreaterThan(3);
            sorter.finish();
        }
        assertThat(runsSeen).isNotEmpty();
        assertThat(out).hasSize(records.size());
        assertThat(out).isSortedAccordingTo(Comparator.comparingLong(CloudTrailRecord::eventTimeMillis));
        assertThat(out.stream().map(CloudTrailRecord::location)).containsExactlyInAnyOrderElementsOf(
                records.stream().map(CloudTrailRecord::location).toList());
        try (Stream<Path> left = Files.list(spill)) {
            assertThat(left).as("runs are deleted once merged").isEmpty();
        }
    }

    @Test
    void aSpilledRecordKeepsTheParseResultItCarriedSoItIsNotParsedAgain() throws Exception {
        CloudTrailParser parser = new CloudTrailParser();
        List<CloudTrailRecord> records = new ArrayList<>();
        List<byte[]> lines = new ArrayList<>();
        TrafficGenerator.endingNow(3, 4, 600).generate(600, (i, e) -> lines.add(e.value()));
        lines.add(("{\"eventID\":\"no-identity\",\"eventTime\":\"2026-11-01T00:00:00Z\",\"eventName\":\"X\","
                + "\"eventSource\":\"s\",\"errorMessage\":\"caf\u00e9 \uD83D\uDE00\"}").getBytes(StandardCharsets.UTF_8));
        lines.add(("{\"eventID\":\"number\",\"eventTime\":\"2026-11-01T00:00:01Z\",\"eventName\":\"X\","
                + "\"eventSource\":\"s\",\"userAgent\":7,\"userIdentity\":{\"type\":\"Root\"}}")
                .getBytes(StandardCharsets.UTF_8));
        Collections.shuffle(lines, new Random(5));
        for (int i = 0; i < lines.size(); i++) {
            ParseResult parsed = parser.parse(lines.get(i));
            CloudTrailEvent event = ((ParseResult.Parsed) parsed).event();
            // every fourth without a result: the sorter keeps that too
            records.add(new CloudTrailRecord(lines.get(i), event.recipientAccountId(), event.eventTime(), "r" + i,
                    event.awsRegion(), i % 4 == 0 ? null : parsed));
        }
        List<CloudTrailRecord> out = new ArrayList<>();
        try (EventTimeSorter sorter = new EventTimeSorter(16 * 1024, spill, e -> out.add(e.record()))) {
            records.forEach(r -> sorter.add(r, "file"));
            assertThat(sorter.spilledRuns()).isGreaterThan(3);
            sorter.finish();
        }
        assertThat(out).hasSize(records.size());
        for (CloudTrailRecord r : out) {
            int i = Integer.parseInt(r.location().substring(1));
            if (i % 4 == 0) {
                assertThat(r.parsed()).isNull();
                continue;
            }
            CloudTrailEvent back = ((ParseResult.Parsed) r.parsed()).event();
            CloudTrailEvent fresh = ((ParseResult.Parsed) parser.parse(r.json())).event();
            assertThat(back.json().bytes()).isSameAs(r.json());
            assertThat(back.json().typedExact()).isEqualTo(fresh.json().typedExact());
            assertThat(back.userIdentity() == UserIdentity.NONE).isEqualTo(fresh.userIdentity() == UserIdentity.NONE);
            assertThat(back.typedFields().toString()).isEqualTo(fresh.typedFields().toString());
            assertThat(List.of(back.eventId(), back.eventTime(), back.eventName(), back.eventSource(),
                    String.valueOf(back.eventType()), String.valueOf(back.awsRegion()),
                    String.valueOf(back.sourceIpAddress()), String.valueOf(back.userAgent()),
                    String.valueOf(back.recipientAccountId()), String.valueOf(back.errorCode()),
                    String.valueOf(back.errorMessage()), back.readOnly(), back.userIdentity()))
                    .isEqualTo(List.of(fresh.eventId(), fresh.eventTime(), fresh.eventName(), fresh.eventSource(),
                    String.valueOf(fresh.eventType()), String.valueOf(fresh.awsRegion()),
                    String.valueOf(fresh.sourceIpAddress()), String.valueOf(fresh.userAgent()),
                    String.valueOf(fresh.recipientAccountId()), String.valueOf(fresh.errorCode()),
                    String.valueOf(fresh.errorMessage()), fresh.readOnly(), fresh.userIdentity()));
        }
    }

    @Test
    void keepsInputOrderForEqualTimesSoTheOutputIsAFunctionOfTheInput() {
        List<CloudTrailRecord> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(record(1_000 * (i % 3), "r" + i));
        }
        List<String> first = sortAll(records, 512);
        List<String> second = sortAll(records, 1 << 20);
        assertThat(first).isEqualTo(second);
        assertThat(first.subList(0, 3)).containsExactly("r0", "r3", "r6");
    }

    @Test
    void releasesOnlyWhatTheWatermarkHasPassedAndCountsWhatCameTooLate() {
        List<String> out = new ArrayList<>();
        try (EventTimeSorter sorter = new EventTimeSorter(1 << 20, spill, e -> out.add(e.record().location()))) {
            sorter.add(record(3_000, "c"), "file");
            sorter.add(record(1_000, "a"), "file");
            sorter.add(record(2_000, "b"), "file");
            sorter.release(2_000);
            assertThat(out).containsExactly("a");
            sorter.add(record(500, "late"), "file");
            sorter.add(record(1_500, "after-a"), "file");
            sorter.add(record(-1, "no-time"), "file");
            sorter.add(record(2_500, "b2"), "file");
            sorter.finish();
            assertThat(sorter.behindWatermark()).as("only 'late' came after a later record").isEqualTo(1);
            assertThat(sorter.worstBehindMillis()).isEqualTo(500);
        }
        assertThat(out).containsExactly("a", "late", "after-a", "b", "b2", "c", "no-time");
    }

    @Test
    void mostlySortedInputWithStepsBackAndReleasesComesOutAsASimpleModelSaysInMemoryAndSpilled() {
        for (long seed = 1; seed <= 8; seed++) {
            Random rng = new Random(seed);
            List<Object> ops = new ArrayList<>(); // records to add, and Long watermarks to release at
            long time = 1_700_000_000_000L;
            for (int i = 0; i < 2_000; i++) {
                time += rng.nextInt(1_000);
                // most records in order, some from the past (a file of another account, a late record), some tied
                long t = rng.nextInt(10) == 0 ? time - rng.nextInt(60_000) : rng.nextInt(20) == 0 ? time - 1 : time;
                ops.add(record(rng.nextInt(50) == 0 ? -1 : t, "r" + i));
                if (rng.nextInt(100) == 0) {
                    ops.add(time - rng.nextInt(30_000));
                }
            }
            List<String> expected = model(ops);
            assertThat(replay(ops, 1 << 30)).as("held in memory, seed " + seed).isEqualTo(expected);
            assertThat(replay(ops, 4_096)).as("spilled, seed " + seed).isEqualTo(expected);
        }
    }

    @Test
    void aReleaseTakenAFewRecordsAtATimeSendsWhatItWouldSendWhole() {
        List<String> whole = new ArrayList<>();
        List<String> inPieces = new ArrayList<>();
        List<CloudTrailRecord> records = records(3_000, 7);
        long watermark = 1_700_000_000_000L + 43_200_000;
        try (EventTimeSorter a = new EventTimeSorter(1 << 30, spill, e -> whole.add(e.record().location()));
             EventTimeSorter b = new EventTimeSorter(1 << 30, spill, e -> inPieces.add(e.record().location()))) {
            records.forEach(r -> a.add(r, "file"));
            records.forEach(r -> b.add(r, "file"));
            a.release(watermark);
            int sent = 0;
            while (b.holdsBefore(watermark)) {
                sent += b.release(watermark, 7);
            }
            assertThat(sent).isEqualTo(whole.size()).isBetween(1_000, 2_000);
            assertThat(inPieces).isEqualTo(whole);
            assertThat(b.release(watermark, 7)).isZero();
        }
    }

    /** What the sorter must do: release emits the least (time, arrival) records before the watermark; finish all. */
    private static List<String> model(List<Object> ops) {
        List<long[]> held = new ArrayList<>(); // time, arrival, index into names
        List<String> names = new ArrayList<>();
        List<String> out = new ArrayList<>();
        Comparator<long[]> order = Comparator.<long[]>comparingLong(h -> h[0]).thenComparingLong(h -> h[1]);
        for (Object op : ops) {
            if (op instanceof CloudTrailRecord r) {
                long t = r.eventTimeMillis() < 0 ? Long.MAX_VALUE : r.eventTimeMillis();
                held.add(new long[] {t, names.size()});
                names.add(r.location());
            } else {
                long watermark = (Long) op;
                held.sort(order);
                while (!held.isEmpty() && held.get(0)[0] < watermark) {
                    out.add(names.get((int) held.remove(0)[1]));
                }
            }
        }
        held.sort(order);
        held.forEach(h -> out.add(names.get((int) h[1])));
        return out;
    }

    private List<String> replay(List<Object> ops, long memory) {
        List<String> out = new ArrayList<>();
        try (EventTimeSorter sorter = new EventTimeSorter(memory, spill, e -> out.add(e.record().location()))) {
            for (Object op : ops) {
                if (op instanceof CloudTrailRecord r) {
                    sorter.add(r, "file");
                } else {
                    sorter.release((Long) op);
                }
            }
            sorter.finish();
        }
        return out;
    }

    private List<String> sortAll(List<CloudTrailRecord> records, long memory) {
        List<String> out = new ArrayList<>();
        try (EventTimeSorter sorter = new EventTimeSorter(memory, spill, e -> out.add(e.record().location()))) {
            records.forEach(r -> sorter.add(r, "file"));
            sorter.finish();
        }
        return out;
    }

    private static List<CloudTrailRecord> records(int n, long seed) {
        List<CloudTrailRecord> records = new ArrayList<>();
        Random rng = new Random(seed);
        for (int i = 0; i < n; i++) {
            records.add(record(1_700_000_000_000L + rng.nextInt(86_400_000), "f.json#" + i));
        }
        Collections.shuffle(records, rng);
        return records;
    }

    private static CloudTrailRecord record(long time, String location) {
        String json = "{\"eventID\":\"" + location + "\",\"eventTime\":" + time + "}";
        return new CloudTrailRecord(json.getBytes(StandardCharsets.UTF_8), "111122223333", time, location,
                "us-east-1");
    }
}
