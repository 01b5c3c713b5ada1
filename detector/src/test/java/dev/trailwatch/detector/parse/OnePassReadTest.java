package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code scan}'s one-pass read (the reader cuts records out of a file by parsing each with the parse node's parser)
 * delivers exactly the records and rejections of the reader's usual read, in the same order, with the same bytes,
 * account, event time, location and region, on every record we have and on every shape and fault a file can have;
 * and each record it parses carries what the parser gives for its bytes. Where it reads a file its usual way, the
 * records it had delivered are not delivered twice.
 */
class OnePassReadTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final List<String> RECORDS = records();

    private static List<String> records() {
        try {
            return CloudTrailParserTest.everyRecordWeHave().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a read delivered, in order, and how many records carried a parse result. */
    private record Read(List<String> items, long parsed, int opens) {
    }

    private static Read usual(byte[] file, int maxRecordBytes) throws IOException {
        List<String> items = new ArrayList<>();
        long[] parsed = {0};
        new CloudTrailFileReader(maxRecordBytes).read(new ByteArrayInputStream(file), "f.json", sink(items, parsed));
        return new Read(items, parsed[0], 1);
    }

    private static Read onePass(byte[] file, int maxRecordBytes) throws IOException {
        List<String> items = new ArrayList<>();
        long[] parsed = {0};
        AtomicInteger opens = new AtomicInteger();
        new CloudTrailFileReader(maxRecordBytes).read(() -> {
            opens.incrementAndGet();
            return new ByteArrayInputStream(file);
        }, "f.json", sink(items, parsed), ParsedAhead.readerParser(PARSER));
        return new Read(items, parsed[0], opens.get());
    }

    private static RecordSink sink(List<String> items, long[] parsed) {
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord r) {
                items.add("record " + new String(r.json(), StandardCharsets.UTF_8) + " | " + r.recipientAccountId()
                        + " | " + r.eventTimeMillis() + " | " + r.location() + " | " + r.awsRegion());
                if (r.parsed() != null) {
                    parsed[0]++;
                    assertThat(r.parsed()).isInstanceOf(ParseResult.Parsed.class);
                    CloudTrailEvent ahead = ((ParseResult.Parsed) r.parsed()).event();
                    assertThat(typed(ahead)).isEqualTo(typed(((ParseResult.Parsed) PARSER.parse(r.json())).event()));
                    assertThat(ahead.json().bytes()).isSameAs(r.json());
                }
            }

            @Override
            public void rejected(String location, String reason) {
                items.add("rejected " + location + ": " + reason);
            }
        };
    }

    private static List<Object> typed(CloudTrailEvent e) {
        return Arrays.asList(e.eventId(), e.eventTime(), e.eventName(), e.eventSource(), e.eventType(), e.awsRegion(),
                e.sourceIpAddress(), e.userAgent(), e.recipientAccountId(), e.errorCode(), e.errorMessage(),
                e.readOnly(), e.userIdentity());
    }

    /** Both reads deliver the same; returns the one-pass read. */
    private static Read same(byte[] file) throws IOException {
        return same(file, CloudTrailFileReader.DEFAULT_MAX_RECORD_BYTES);
    }

    private static Read same(byte[] file, int maxRecordBytes) throws IOException {
        Read usual = usual(file, maxRecordBytes);
        Read onePass = onePass(file, maxRecordBytes);
        assertThat(onePass.items()).containsExactlyElementsOf(usual.items());
        return onePass;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static long plainRecords() {
        return RECORDS.stream().filter(r -> PARSER.parseAt(utf8(r), 0, utf8(r).length).plain()
                && PARSER.parse(utf8(r)) instanceof ParseResult.Parsed).count();
    }

    @Test
    void everyRecordWeHaveAsJsonLinesIsReadInOnePass() throws IOException {
        String lines = String.join("\n", RECORDS) + "\n";
        Read read = same(utf8(lines));
        assertThat(read.items()).hasSize(RECORDS.size());
        // the peer suites hold records the parse node rejects: from the first, the file is read its usual way
        assertThat(read.parsed()).isPositive();
        List<String> plain = RECORDS.stream().filter(r -> PARSER.parse(utf8(r)) instanceof ParseResult.Parsed
                && PARSER.parseAt(utf8(r), 0, utf8(r).length).plain()).toList();
        Read onlyPlain = same(utf8(String.join("\r\n", plain)));
        assertThat(onlyPlain.parsed()).isEqualTo(plain.size());
        assertThat(onlyPlain.opens()).isEqualTo(1);
        assertThat(plain.size()).isEqualTo(plainRecords()).isGreaterThan(RECORDS.size() / 2);
    }

    @Test
    void envelopesBareArraysConcatenatedAndPrettyPrintedObjects() throws IOException {
        List<String> plain = RECORDS.stream().filter(r -> PARSER.parse(utf8(r)) instanceof ParseResult.Parsed
                && PARSER.parseAt(utf8(r), 0, utf8(r).length).plain()).limit(500).toList();
        String envelope = "{\"Records\":[" + String.join(",", plain) + "]}";
        assertThat(same(gzip(utf8(envelope))).parsed()).isEqualTo(plain.size());
        String spaced = " \n{ \"Records\" :\n [ " + String.join(" ,\n ", plain) + " ] \n}\n" + envelope;
        assertThat(same(utf8(spaced)).parsed()).isEqualTo(2L * plain.size());
        assertThat(same(utf8("[" + String.join(",", plain) + "]")).parsed()).isEqualTo(plain.size());
        assertThat(same(utf8(String.join("", plain))).parsed()).isEqualTo(plain.size());
        String pretty = String.join("\n", plain.stream().map(r -> r.replace(",\"", ",\n  \"")).toList());
        assertThat(same(utf8(pretty)).parsed()).isEqualTo(plain.size());
        byte[] bom = utf8("\uFEFF" + String.join("\n", plain));
        assertThat(same(bom).parsed()).isEqualTo(plain.size());
        assertThat(same(utf8("{\"Records\":[]}")).items()).isEmpty();
        assertThat(same(utf8("")).items()).isEmpty();
        assertThat(same(utf8(" \n ")).items()).isEmpty();
    }

    @Test
    void recordsLargerThanTheLookAheadWithTokensCutAtEveryPlace() throws IOException {
        // literals, numbers, escapes and multi-byte characters everywhere, so that the end of the bytes at hand cuts
        // the record inside every kind of token
        String base = RECORDS.get(0);
        List<String> large = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            StringBuilder values = new StringBuilder();
            for (int j = 0; j < 3_000 + 1_700 * i; j++) {
                values.append(j == 0 ? "" : ",").append(switch (j % 6) {
                    case 0 -> "true";
                    case 1 -> "false";
                    case 2 -> "null";
                    case 3 -> "-1.5e" + j;
                    case 4 -> "\"caf\u00e9 \\u00e9 \\\" \uD83D\uDE00\"";
                    default -> "{\"k\":[" + j + "]}";
                });
            }
            large.add(base.substring(0, base.length() - 1) + ",\"requestParameters\":[" + values + "]}");
            large.add(RECORDS.get(1 + i));
        }
        Read read = same(utf8(String.join("\n", large)));
        assertThat(read.items()).hasSize(large.size());
        assertThat(read.parsed()).isEqualTo(large.stream().filter(r -> PARSER.parse(utf8(r))
                instanceof ParseResult.Parsed && PARSER.parseAt(utf8(r), 0, utf8(r).length).plain()).count());
        Read envelope = same(gzip(utf8("{\"Records\":[" + String.join(",", large) + "]}")));
        assertThat(envelope.items()).hasSize(large.size());
    }

    @Test
    void faultsAreReportedAsTheUsualReadReportsThemAndNothingIsDeliveredTwice() throws IOException {
        List<String> plain = RECORDS.stream().filter(r -> PARSER.parse(utf8(r)) instanceof ParseResult.Parsed
                && PARSER.parseAt(utf8(r), 0, utf8(r).length).plain()).limit(40).toList();
        String lines = String.join("\n", plain);
        String head = String.join("\n", plain.subList(0, 20));
        String tail = String.join("\n", plain.subList(20, 40));
        String[] files = {
            head + "\n{\"eventID\": oops}\n" + tail,                               // a syntax error in one line
            head + "\n{\"eventTime\":\"2024-01-15T10:00:00Z\",\"eventName\":\"x\"}\n" + tail, // no eventID
            head + "\n{\"eventID\":\"e\",\"eventTime\":\"yesterday\",\"eventName\":\"x\",\"eventSource\":\"s\"}\n"
                    + tail,                                                          // a bad eventTime
            head + "\n{\"eventID\":\"e\",\"eventTime\":\"2024-01-15T10:00:00Z\",\"eventName\":\"x\","
                    + "\"eventSource\":\"s\",\"recipientAccountId\":111122223333}\n" + tail, // a number for the account
            head + "\n{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\",\"account\":\"1\","
                    + "\"time\":\"2024-01-15T10:00:00Z\",\"detail\":" + plain.get(0) + "}\n" + tail, // EventBridge
            head + "\n{\"eventID\":\"x\",\"Records\":[" + plain.get(1) + "]}\n" + tail, // Records not the first key
            head + "\n[1, " + plain.get(2) + "]\n" + tail,                              // not an object in an array
            head + "\n" + plain.get(3).substring(0, 100),                                // truncated at the end
            "{\"Records\":[" + String.join(",", plain) + "],\"more\":1}",              // an envelope's other key
            "{\"Records\":null}\n" + lines,
            "{\"Records\":[" + String.join(",", plain) + ",]}",                        // a trailing comma
            "{\"Records\":[" + String.join(",", plain) + "]",                          // the envelope not closed
            head + ",\n" + tail,                                                        // a comma between lines
            head + "\n]\n" + tail,
        };
        for (String file : files) {
            Read read = same(utf8(file));
            assertThat(read.opens()).isEqualTo(2);
            assertThat(read.parsed()).isGreaterThanOrEqualTo(file.startsWith(head) ? 20 : 0);
        }
        byte[] gz = gzip(utf8("{\"Records\":[" + String.join(",", plain) + "]}"));
        Read truncated = same(Arrays.copyOf(gz, gz.length - 30));
        assertThat(truncated.items()).last().asString().contains("truncated gzip");
        // the usual read notices a record over the limit when it spans more than one of its 64 KiB chunks
        String large = plain.get(0).substring(0, plain.get(0).length() - 1) + ",\"requestParameters\":{\"x\":\""
                + "x".repeat(300_000) + "\"}}";
        Read oversized = same(utf8(head + "\n" + large + "\n" + tail), 200_000);
        assertThat(oversized.items()).anyMatch(i -> i.contains("record larger than"));
    }

    @Test
    void aStreamThatFailsMidwayDeliversItsCompleteRecordsThenTheFailure() {
        byte[] good = utf8(String.join("\n", RECORDS.subList(0, 3)) + "\n" + RECORDS.get(3).substring(0, 50));
        CloudTrailFileReader.Opener failing = () -> new java.io.SequenceInputStream(new ByteArrayInputStream(good),
                new java.io.InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("disk gone");
                    }
                });
        List<String> usual = new ArrayList<>();
        List<String> onePass = new ArrayList<>();
        long[] parsed = {0};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CloudTrailFileReader().read(failing.open(),
                "f.json", sink(usual, new long[1]))).hasMessage("disk gone");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CloudTrailFileReader().read(failing, "f.json",
                sink(onePass, parsed), ParsedAhead.readerParser(PARSER))).hasMessage("disk gone");
        assertThat(onePass).hasSize(3).containsExactlyElementsOf(usual);
        assertThat(parsed[0]).isEqualTo(3);
    }

    @Test
    void withoutAParserTheReadIsTheUsualOne() throws IOException {
        byte[] file = utf8(String.join("\n", RECORDS.subList(0, 50)));
        List<String> items = new ArrayList<>();
        long[] parsed = {0};
        new CloudTrailFileReader().read(() -> new ByteArrayInputStream(file), "f.json", sink(items, parsed), null);
        assertThat(items).containsExactlyElementsOf(usual(file, CloudTrailFileReader.DEFAULT_MAX_RECORD_BYTES).items());
        assertThat(parsed[0]).isZero();
    }
}
