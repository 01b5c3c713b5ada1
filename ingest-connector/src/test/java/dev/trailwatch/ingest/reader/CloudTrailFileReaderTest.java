package dev.trailwatch.ingest.reader;

import static dev.trailwatch.ingest.reader.Fixtures.envelope;
import static dev.trailwatch.ingest.reader.Fixtures.gzip;
import static dev.trailwatch.ingest.reader.Fixtures.record;
import static dev.trailwatch.ingest.reader.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CloudTrailFileReaderTest {

    private final CloudTrailFileReader reader = new CloudTrailFileReader();
    private final CollectingSink sink = new CollectingSink();

    private long read(byte[] content, String location) throws IOException {
        return reader.read(new ByteArrayInputStream(content), location, sink);
    }

    @Test
    void readsEnvelopeKeepingEachRecordsExactBytes() throws IOException {
        String spaced = "{ \"eventTime\" : \"2024-01-15T10:05:00Z\",\n  \"recipientAccountId\":\"444455556666\", \"x\":\"\\u00e9\" }";
        String file = "{\"Records\": [\n " + record(1) + " ,\n" + spaced + "\n]}\n";

        long count = read(utf8(file), "f.json");

        assertThat(count).isEqualTo(2);
        assertThat(sink.jsons()).containsExactly(record(1), spaced);
        assertThat(sink.locations()).containsExactly("f.json#0", "f.json#1");
        assertThat(sink.records.get(1).recipientAccountId()).isEqualTo("444455556666");
        assertThat(sink.records.get(1).eventTimeMillis()).isEqualTo(Instant.parse("2024-01-15T10:05:00Z").toEpochMilli());
        assertThat(sink.rejections).isEmpty();
    }

    @Test
    void recognisesGzipByMagicBytesNotByName() throws IOException {
        long count = read(gzip(utf8(envelope(record(1), record(2)))), "no-extension");

        assertThat(count).isEqualTo(2);
        assertThat(sink.jsons()).containsExactly(record(1), record(2));
    }

    @Test
    void readsConcatenatedGzipMembers() throws IOException {
        byte[] first = gzip(utf8(record(1) + "\n"));
        byte[] second = gzip(utf8(record(2) + "\n"));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);

        assertThat(read(both, "two-members.gz")).isEqualTo(2);
    }

    @Test
    void readsBareArrayAndOneObjectPerLine() throws IOException {
        read(utf8("[" + record(1) + "," + record(2) + "]"), "array.json");
        read(utf8(record(3) + "\r\n" + record(4) + "\n\n"), "lines.json");

        assertThat(sink.jsons()).containsExactly(record(1), record(2), record(3), record(4));
        assertThat(sink.locations()).containsExactly("array.json#0", "array.json#1", "lines.json#0", "lines.json#1");
    }

    @Test
    void readsPrettyPrintedObjectsOneAfterAnother() throws IOException {
        String pretty = "{\n  \"eventID\": \"a\",\n  \"recipientAccountId\": \"111122223333\",\n  \"n\": {\n    \"x\": [1, 2]\n  }\n}";
        read(utf8(pretty + "\n" + pretty + "\n"), "pretty.json");

        assertThat(sink.jsons()).containsExactly(pretty, pretty);
    }

    @Test
    void rejectsALineThatIsNotJsonAndKeepsTheLinesAroundIt() throws IOException {
        String file = record(1) + "\nthis is not json\n" + record(3) + "\n{\"eventID\": \"broken\", \n" + record(5) + "\n";

        long count = read(utf8(file), "lines.json");

        assertThat(count).isEqualTo(3);
        assertThat(sink.jsons()).containsExactly(record(1), record(3), record(5));
        assertThat(sink.rejections).hasSize(2);
        assertThat(sink.rejections.get(0)).startsWith("lines.json#1 not JSON at line 2 column ");
        assertThat(sink.rejections.get(1)).startsWith("lines.json#3 not JSON at line 5 column ");
        assertThat(sink.locations()).containsExactly("lines.json#0", "lines.json#2", "lines.json#4");
    }

    @Test
    void stopsAtASyntaxErrorInsideRecordsButKeepsTheRecordsBeforeIt() throws IOException {
        String file = "{\"Records\":[" + record(1) + "," + record(2) + ",{\"eventID\":oops}," + record(4) + "]}";

        long count = read(utf8(file), "bad.json");

        assertThat(count).isEqualTo(2);
        assertThat(sink.rejections).singleElement().asString().startsWith("bad.json#2 not JSON at line 1 column");
    }

    @Test
    void rejectsRecordsThatAreNotObjectsAndKeepsTheRest() throws IOException {
        read(utf8("{\"Records\":[" + record(1) + ", 42, \"x\", [1], " + record(2) + "]}"), "mixed.json");

        assertThat(sink.jsons()).containsExactly(record(1), record(2));
        assertThat(sink.locations()).containsExactly("mixed.json#0", "mixed.json#4");
        assertThat(sink.rejections).containsExactly("mixed.json#1 not a JSON object but a number",
                "mixed.json#2 not a JSON object but a string", "mixed.json#3 not a JSON object but an array");
    }

    @Test
    void deliversWhatWasReadableFromTruncatedGzipThenRejectsIt() throws IOException {
        String[] records = IntStream.range(0, 2000).mapToObj(Fixtures::record).toArray(String[]::new);
        byte[] whole = gzip(utf8(envelope(records)));
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        long count = read(truncated, "cut.json.gz");

        assertThat(count).isBetween(100L, 1999L);
        assertThat(sink.jsons()).containsExactlyElementsOf(Arrays.asList(records).subList(0, (int) count));
        assertThat(sink.rejections).containsExactly("cut.json.gz truncated gzip");
    }

    @Test
    void reportsTruncatedPlainJson() throws IOException {
        read(utf8("{\"Records\":[" + record(1) + "," + record(2).substring(0, 50)), "cut.json");

        assertThat(sink.records).hasSize(1);
        assertThat(sink.rejections).singleElement().asString().startsWith("cut.json#1 truncated JSON at line 1");
    }

    @Test
    void reportsCorruptGzip() throws IOException {
        byte[] gz = gzip(utf8(envelope(record(1))));
        for (int i = 12; i < gz.length - 8; i++) {
            gz[i] = (byte) 0xff;
        }

        read(gz, "corrupt.gz");

        assertThat(sink.records).isEmpty();
        assertThat(sink.rejections).singleElement().asString().startsWith("corrupt.gz corrupt gzip");
    }

    @Test
    void yieldsTheDetailOfEventBridgeEvents() throws IOException {
        String detail = record(7);
        String event = "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.s3\","
                + "\"account\":\"111122223333\",\"time\":\"2024-01-15T10:05:07Z\",\"region\":\"eu-west-1\",\"resources\":[],"
                + "\"detail\":" + detail + "}";
        String signIn = event.replace("AWS API Call", "AWS Console Sign In");

        read(utf8(event + "\n" + signIn + "\n"), "eb.json");

        assertThat(sink.jsons()).containsExactly(detail, detail);
        assertThat(sink.records.get(0).recipientAccountId()).isEqualTo("111122223333");
    }

    @Test
    void recordsSpanningManyChunksAreCutExactly() throws IOException {
        String[] records = IntStream.range(0, 20_000).mapToObj(Fixtures::record).toArray(String[]::new);
        String big = "{\"big\":\"" + "x".repeat(300_000) + "\",\"recipientAccountId\":\"1\"}";
        records[777] = big;

        long count = read(gzip(utf8(envelope(records))), "many.json.gz");

        assertThat(count).isEqualTo(20_000);
        assertThat(sink.jsons()).containsExactly(records);
    }

    @Test
    void rejectsAndSkipsARecordAboveTheSizeLimit() throws IOException {
        String big = "{\"big\":\"" + "x".repeat(500_000) + "\"}";
        CloudTrailFileReader small = new CloudTrailFileReader(100_000);

        small.read(new ByteArrayInputStream(utf8(envelope(record(1), big, record(2)))), "big.json", sink);

        assertThat(sink.jsons()).containsExactly(record(1), record(2));
        assertThat(sink.rejections).containsExactly("big.json#1 record larger than 100000 bytes");
    }

    @Test
    void missingOrOddFieldsAreReportedAsAbsent() throws IOException {
        read(utf8("{\"eventTime\":\"yesterday\"}\n{\"recipientAccountId\":123}\n"), "odd.json");

        assertThat(sink.records).extracting(CloudTrailRecord::recipientAccountId).containsExactly(null, null);
        assertThat(sink.records).extracting(CloudTrailRecord::eventTimeMillis).containsExactly(-1L, -1L);
    }

    @Test
    void skipsByteOrderMarkAndAcceptsEmptyFiles() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] withBom = Arrays.copyOf(bom, 3 + utf8(record(1)).length);
        System.arraycopy(utf8(record(1)), 0, withBom, 3, utf8(record(1)).length);

        assertThat(read(withBom, "bom.json")).isEqualTo(1);
        assertThat(read(new byte[0], "empty.json")).isZero();
        assertThat(read(utf8(" \n\n "), "blank.json")).isZero();
        assertThat(read(utf8("{\"Records\":[]}"), "none.json")).isZero();
        assertThat(sink.jsons()).containsExactly(record(1));
        assertThat(sink.rejections).isEmpty();
    }

    @Test
    void throwsWhenTheStreamItselfFails() {
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(utf8(envelope(record(1))))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> reader.read(failing, "s3://b/k", sink)).isInstanceOf(IOException.class)
                .hasMessage("connection reset");
    }

    @Test
    void doesNotCloseTheCallersStream() throws IOException {
        boolean[] closed = {false};
        InputStream in = new FilterInputStream(new ByteArrayInputStream(gzip(utf8(record(1))))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        reader.read(in, "x", sink);

        assertThat(closed[0]).isFalse();
        assertThat(List.of(sink.records.size())).containsExactly(1);
    }
}
