package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.bench.TrafficGenerator;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.parse.ReaderParsers;
import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordParser;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON-lines export read through its index gives the detector exactly what the usual read sorted by the sorter
 * gives: the same records, bytes, locations, parse results and order; files it cannot read that way are left to the
 * usual read, and a line the byte scan misjudged stops the feed instead of changing what the detector sees.
 */
class ExportIndexTest {

    private static final RecordParser PARSER = ReaderParsers.of(new CloudTrailParser());
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final long MEMORY = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void aShuffledExportWithRecordsDaysApartCrlfLineEndsBlankLinesAndAByteOrderMarkGivesTheUsualReadSorted()
            throws IOException {
        List<byte[]> lines = new ArrayList<>();
        TrafficGenerator.endingNow(7, 5, 3_000).generate(3_000, (i, e) -> lines.add(e.value()));
        for (int day = 0; day < 5; day++) {
            lines.add(TestEvents.stopLogging(T0.minus(Duration.ofDays(3L * day))).bytes());
        }
        Collections.shuffle(lines, new Random(11));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        for (int i = 0; i < lines.size(); i++) {
            out.write(lines.get(i));
            out.write(i % 7 == 0 ? "\r\n\r\n  \n".getBytes(StandardCharsets.US_ASCII) : "\r\n".getBytes(
                    StandardCharsets.US_ASCII));
        }
        Path file = Files.write(dir.resolve("export.jsonl"), out.toByteArray());

        ExportIndex index = ExportIndex.build(file, MEMORY);

        assertThat(index).isNotNull();
        assertThat(index.records()).isEqualTo(3_005);
        List<String> indexed = fed(index, file);
        assertThat(indexed).hasSize(3_005).isEqualTo(usualReadSorted(file));
        // the oldest record is the stop-logging twelve days back, wherever it sits in the file
        assertThat(indexed.get(0)).contains("StopLogging").contains(T0.minus(Duration.ofDays(12)).toString());
    }

    @Test
    void aRecordLargerThanTheReadBufferAndALastLineWithoutANewlineAreIndexed() throws IOException {
        ObjectNode large = TestEvents.event("s3.amazonaws.com", "PutBucketPolicy", T0.plusSeconds(30)).json();
        large.with("requestParameters").put("policy", "x".repeat(50_000));
        String text = TestEvents.event("iam.amazonaws.com", "ListUsers", T0.plusSeconds(60)).json() + "\n"
                + large + "\n"
                + TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0).json();
        Path file = Files.writeString(dir.resolve("large.jsonl"), text);

        ExportIndex index = ExportIndex.build(file, MEMORY, 4096, CloudTrailFileReader.DEFAULT_MAX_RECORD_BYTES);

        assertThat(index).isNotNull();
        assertThat(fed(index, file)).isEqualTo(usualReadSorted(file)).hasSize(3);
        assertThat(index.recordAt(0)).isEqualTo(2);
        assertThat(index.recordAt(1)).isEqualTo(1);
        assertThat(index.recordAt(2)).isZero();
    }

    @Test
    void recordsWithTheSameEventTimeKeepTheirFileOrder() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add(TestEvents.event("iam.amazonaws.com", "ListUsers", T0.plusSeconds(i % 3 == 0 ? 0 : 100 - i))
                    .eventId("e-" + i).json().toString());
        }
        Path file = Files.write(dir.resolve("ties.jsonl"), lines);

        ExportIndex index = ExportIndex.build(file, MEMORY);

        assertThat(fed(index, file)).isEqualTo(usualReadSorted(file));
    }

    @Test
    void filesTheByteScanCannotReadAreLeftToTheUsualRead() throws IOException {
        String a = TestEvents.event("iam.amazonaws.com", "ListUsers", T0.plusSeconds(60)).json().toString();
        String b = TestEvents.event("iam.amazonaws.com", "ListRoles", T0).json().toString();
        String noTime = TestEvents.event("iam.amazonaws.com", "ListRoles", T0).remove("eventTime").json().toString();

        assertThat(index("sorted.jsonl", b + "\n" + a + "\n")).as("already in order").isNull();
        assertThat(index("truncated.jsonl", a + "\n" + b.substring(0, b.length() - 20))).as("truncated").isNull();
        assertThat(index("pretty.json", TestEvents.event("iam.amazonaws.com", "ListUsers", T0).json()
                .toPrettyString() + "\n" + b)).as("pretty-printed").isNull();
        assertThat(index("envelope.json", "{\"Records\":[" + a + "," + b + "]}\n" + b)).as("envelope").isNull();
        assertThat(index("array.json", "[" + a + "," + b + "]")).as("array").isNull();
        assertThat(index("no-time.jsonl", a + "\n" + noTime + "\n" + b)).as("no eventTime").isNull();
        assertThat(index("bad-time.jsonl", a + "\n" + b.replace(T0.toString(), "yesterday")))
                .as("an eventTime the reader does not read").isNull();

        Path gzip = dir.resolve("export.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write((a + "\n" + b + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(ExportIndex.build(gzip, MEMORY)).as("gzip").isNull();

        Path three = Files.writeString(dir.resolve("three.jsonl"), a + "\n" + b + "\n" + a + "\n");
        assertThat(ExportIndex.build(three, 3L * ExportIndex.BYTES_PER_RECORD)).isNotNull();
        assertThat(ExportIndex.build(three, 3L * ExportIndex.BYTES_PER_RECORD - 1)).as("beyond the memory").isNull();
        assertThat(ExportIndex.build(three, MEMORY, 4096, a.length() - 1)).as("over the record limit").isNull();
    }

    @Test
    void aLineWhoseFirstEventTimeIsNotItsOwnOrThatHoldsTwoRecordsStopsTheFeed() throws IOException {
        String a = TestEvents.event("iam.amazonaws.com", "ListUsers", T0.plusSeconds(60)).json().toString();
        String b = TestEvents.event("iam.amazonaws.com", "ListRoles", T0).json().toString();
        ObjectNode nested = TestEvents.MAPPER.createObjectNode();
        nested.putObject("requestParameters").put("eventTime", "2020-01-01T00:00:00Z");
        ObjectNode rest = TestEvents.event("iam.amazonaws.com", "GetUser", T0.plusSeconds(30)).json();
        rest.remove("requestParameters");
        nested.setAll(rest);

        Path misread = Files.writeString(dir.resolve("nested.jsonl"), a + "\n" + nested + "\n" + b + "\n");
        ExportIndex first = ExportIndex.build(misread, MEMORY);
        assertThat(first).isNotNull();
        assertThatThrownBy(() -> fed(first, misread)).isInstanceOf(ExportIndex.NotIndexable.class)
                .hasMessageContaining("nested.jsonl#1");

        Path two = Files.writeString(dir.resolve("two.jsonl"), a + "\n" + b + " " + a + "\n");
        ExportIndex second = ExportIndex.build(two, MEMORY);
        assertThat(second).isNotNull();
        assertThatThrownBy(() -> fed(second, two)).isInstanceOf(ExportIndex.NotIndexable.class)
                .hasMessageContaining("two.jsonl#1");
    }

    @Test
    void theFilterSeesEveryRecordAndCountsThoseItLeavesOut() throws IOException {
        String a = TestEvents.event("iam.amazonaws.com", "ListUsers", T0.plusSeconds(60)).json().toString();
        String b = TestEvents.event("iam.amazonaws.com", "ListRoles", T0).json().toString();
        Path file = Files.writeString(dir.resolve("filtered.jsonl"), a + "\n" + b + "\n" + a + "\n");
        ExportIndex index = ExportIndex.build(file, MEMORY);
        List<EventTimeSorter.Entry> out = new ArrayList<>();

        long read = index.feed(PARSER, file.toString(), "file", r -> r.eventTimeMillis() > T0.toEpochMilli(),
                out::add);

        assertThat(read).isEqualTo(3);
        assertThat(index.filtered()).isEqualTo(1);
        assertThat(out).extracting(e -> e.record().location()).containsExactly(file + "#0", file + "#2");
    }

    private ExportIndex index(String name, String text) throws IOException {
        return ExportIndex.build(Files.writeString(dir.resolve(name), text), MEMORY);
    }

    private static List<String> fed(ExportIndex index, Path file) throws IOException {
        List<String> out = new ArrayList<>();
        index.feed(PARSER, file.toString(), "file", r -> true, e -> out.add(describe(e)));
        return out;
    }

    /** The usual one-pass read of the file, sorted exactly by the sorter (held in memory). */
    private List<String> usualReadSorted(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (EventTimeSorter sorter = new EventTimeSorter(Long.MAX_VALUE, dir, e -> out.add(describe(e)))) {
            new CloudTrailFileReader().read(() -> Files.newInputStream(file), file.toString(), new RecordSink() {
                @Override
                public void record(CloudTrailRecord record) {
                    sorter.add(record, "file");
                }

                @Override
                public void rejected(String location, String reason) {
                    throw new AssertionError(location + ": " + reason);
                }
            }, PARSER);
            sorter.finish();
        }
        return out;
    }

    /** Everything the detector gets of a record: its sort key, source, location, bytes and parse result. */
    private static String describe(EventTimeSorter.Entry e) {
        CloudTrailRecord r = e.record();
        assertThat(r.parsed()).isInstanceOf(ParseResult.Parsed.class);
        CloudTrailEvent event = ((ParseResult.Parsed) r.parsed()).event();
        assertThat(event.json().bytes()).isSameAs(r.json());
        return String.join(" | ", String.valueOf(e.sortTime()), e.source(), r.location(),
                r.recipientAccountId(), r.awsRegion(), String.valueOf(r.eventTimeMillis()),
                new String(r.json(), StandardCharsets.UTF_8), event.eventId(), String.valueOf(event.eventTime()),
                event.eventName(), event.eventSource(), event.eventType(), event.awsRegion(),
                event.sourceIpAddress(), event.userAgent(), event.recipientAccountId(), event.errorCode(),
                event.errorMessage(), String.valueOf(event.readOnly()), String.valueOf(event.userIdentity()),
                String.valueOf(event.json().typedExact()));
    }
}
