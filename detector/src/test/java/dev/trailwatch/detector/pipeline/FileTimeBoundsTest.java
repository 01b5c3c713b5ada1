package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first pass over a tree finds, for each file, the least event time written in it however the records nest, at
 * any place in a file larger than its read buffer; files it cannot decode whole get a bound below everything (read
 * first, nothing released before them), files without a readable time one above everything.
 */
class FileTimeBoundsTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void findsTheLeastEventTimeOfAnEnvelopeWhateverTheOrderOfItsRecords() throws IOException {
        Path file = gzip("a.json.gz", envelope(T0.plusSeconds(300), T0.plusSeconds(5), T0.plusSeconds(900)));

        assertThat(FileTimeBounds.of(object(file))).isEqualTo(T0.plusSeconds(5).toEpochMilli());
    }

    @Test
    void aNestedEventTimeBelowTheRecordsOwnLowersTheBoundAndAnEventBridgeDetailIsRead() throws IOException {
        String nested = "{\"Records\":[{\"eventTime\":\"" + T0 + "\",\"requestParameters\":{\"filter\":{"
                + "\"eventTime\":\"" + T0.minusSeconds(3_600) + "\"}}}]}";
        String eventBridge = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"time\":\"" + T0.minusSeconds(60)
                + "\",\"detail\":{\"eventTime\" : \"" + T0 + "\"}}";

        assertThat(FileTimeBounds.of(object(gzip("nested.json.gz", nested))))
                .as("a lower bound still: only holds longer").isEqualTo(T0.minusSeconds(3_600).toEpochMilli());
        assertThat(FileTimeBounds.of(object(plain("bridge.json", eventBridge))))
                .isEqualTo(T0.toEpochMilli());
    }

    @Test
    void findsTheLeastWhereverItLiesInAFileOfManyReadBuffers() throws IOException {
        Random random = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int records = 2_000 + random.nextInt(3_000); // ~200-500 KB: one to three buffers
            Instant[] times = new Instant[records];
            for (int i = 0; i < records; i++) {
                times[i] = T0.plusSeconds(1 + random.nextInt(86_400));
            }
            int least = random.nextInt(records);
            times[least] = T0.plusMillis(random.nextInt(999));
            String padding = " ".repeat(random.nextInt(40));
            StringBuilder text = new StringBuilder();
            for (Instant time : times) {
                text.append("{\"eventVersion\":\"1.08\",\"eventTime\":").append(padding).append('"').append(time)
                        .append("\",\"eventName\":\"Describe").append("x".repeat(random.nextInt(60))).append("\"}\n");
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);

            assertThat(FileTimeBounds.leastEventTime(new ByteArrayInputStream(bytes))).as("trial %d", trial)
                    .isEqualTo(Arrays.stream(times).mapToLong(Instant::toEpochMilli).min().orElseThrow());
        }
    }

    @Test
    void readsTimesAsTheInstantsTheyNameWhateverTheirFormAndLeavesOutWhatNamesNoTime() throws IOException {
        String lines = "{\"eventTime\":\"2026-11-20 11:00:00.123456789+01:00\"}\n"
                + "{\"eventTime\":\"2026-11-20T09:30:00\"}\n" // no zone: UTC, as CloudTrail writes every time
                + "{\"eventTime\":\"1969-12-31T23:00:00Z\"}\n" // before 1970: sorted last, as the reader reads it
                + "{\"eventTime\":\"not a time\"}\n"
                + "{\"eventTime\":\"2026-11-20T10:20:00Z\"}\n";

        assertThat(FileTimeBounds.of(object(plain("export.jsonl", lines))))
                .isEqualTo(Instant.parse("2026-11-20T09:30:00Z").toEpochMilli());
    }

    @Test
    void aFileWithoutEventTimesIsBoundAboveEverythingAndOneItCannotDecodeBelowEverything() throws IOException {
        Path empty = gzip("empty.json.gz", "{\"Records\":[]}");
        Path nothing = plain("nothing.json", "");
        byte[] whole = gzipped(envelope(T0, T0.plusSeconds(1)));
        Path truncated = Files.write(dir.resolve("truncated.json.gz"), Arrays.copyOf(whole, whole.length - 12));
        byte[] corrupt = whole.clone();
        Arrays.fill(corrupt, 12, corrupt.length - 8, (byte) 0x55);
        Path damaged = Files.write(dir.resolve("corrupt.json.gz"), corrupt);

        assertThat(FileTimeBounds.of(object(empty))).isEqualTo(FileTimeBounds.NONE);
        assertThat(FileTimeBounds.of(object(nothing))).isEqualTo(FileTimeBounds.NONE);
        assertThat(FileTimeBounds.of(object(truncated))).isEqualTo(FileTimeBounds.UNREADABLE);
        assertThat(FileTimeBounds.of(object(damaged))).isEqualTo(FileTimeBounds.UNREADABLE);
    }

    @Test
    void theBackgroundPassGivesEachFileItsBoundInTheListsOrder() throws Exception {
        Path[] files = new Path[30];
        long[] expected = new long[files.length];
        for (int i = 0; i < files.length; i++) {
            Instant least = T0.plusSeconds(7L * ((i * 13) % files.length));
            files[i] = gzip("f" + i + ".json.gz", envelope(least.plusSeconds(60), least));
            expected[i] = least.toEpochMilli();
        }

        long[] bounds = FileTimeBounds.start(Arrays.stream(files).map(FileTimeBoundsTest::object).toList(), 3).get();

        assertThat(bounds).containsExactly(expected);
    }

    @Test
    void theBackgroundPassGivesAFileItCannotDecodeAndAFileListedTwiceTheirBoundsInTheListsOrder() throws Exception {
        List<TrailObject> objects = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Instant least = T0.plusSeconds(11L * ((i * 7) % 25));
            objects.add(object(gzip("g" + i + ".json.gz", envelope(least.plusSeconds(90), least))));
            expected.add(least.toEpochMilli());
        }
        byte[] whole = gzipped(envelope(T0, T0.plusSeconds(1)));
        objects.add(12, object(Files.write(dir.resolve("cut.json.gz"), Arrays.copyOf(whole, whole.length - 12))));
        expected.add(12, FileTimeBounds.UNREADABLE);
        objects.add(objects.get(3)); // read twice, its bound given twice
        expected.add(expected.get(3));
        AtomicInteger opened = new AtomicInteger();
        List<TrailObject> counted = objects.stream().map(o -> TrailObject.of(o.name(), o.location(), "file",
                o.sizeBytes(), () -> {
                    opened.incrementAndGet();
                    return o.opener().open();
                })).toList();

        long[] bounds = FileTimeBounds.start(counted, 2).get();

        assertThat(bounds).containsExactly(expected.stream().mapToLong(Long::longValue).toArray());
        assertThat(opened).as("each file read once for each time it is listed").hasValue(counted.size());
    }

    static String envelope(Instant... times) {
        StringBuilder text = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < times.length; i++) {
            text.append(i == 0 ? "" : ",").append("{\"eventVersion\":\"1.08\",\"eventTime\":\"").append(times[i])
                    .append("\",\"eventName\":\"ListUsers\"}");
        }
        return text.append("]}").toString();
    }

    private Path gzip(String name, String text) throws IOException {
        return Files.write(dir.resolve(name), gzipped(text));
    }

    private Path plain(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static byte[] gzipped(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static TrailObject object(Path file) {
        try {
            return TrailObject.of(file.getFileName().toString(), file.toString(), "file", Files.size(file),
                    () -> Files.newInputStream(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
