package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.source.RecordHeaders;
import dev.trailwatch.ingest.source.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The source headers scan sends each record with: those of the live path ({@code WireFormat.headers}) for the
 * record's object and source and the moment it was handed over, kept per object (a tree's objects alternate) and
 * shared while none of them changes.
 */
class SourceHeadersTest {

    private static final String TREE = "/logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/";
    private static final String FILE_A = TREE + "111122223333_CloudTrail_us-east-1_20261102T0005Z_a.json.gz";
    private static final String FILE_B = TREE + "111122223333_CloudTrail_us-east-1_20261102T0005Z_b.json.gz";

    @Test
    void recordsOfOneObjectInOneMillisecondShareTheirHeaders() {
        SourceHeaders headers = new SourceHeaders();

        List<Header> first = headers.of(record(FILE_A + "#1"), "file", 1_000);
        List<Header> second = headers.of(record(FILE_A + "#2"), "file", 1_000);

        assertThat(second).isSameAs(first);
        assertThat(values(first)).containsExactlyInAnyOrderEntriesOf(Map.of(RecordHeaders.SOURCE, "file",
                RecordHeaders.OBJECT, FILE_A, RecordHeaders.INGESTED_AT, "1000"));
        assertThat(first.get(first.size() - 1).key()).isEqualTo(RecordHeaders.INGESTED_AT);
    }

    @Test
    void anotherObjectSourceOrMillisecondGetsItsOwnHeaders() {
        SourceHeaders headers = new SourceHeaders();
        headers.of(record(FILE_A + "#1"), "file", 1_000);

        // a name as long as the last one's, and a location without a record index
        assertThat(values(headers.of(record(FILE_B + "#1"), "file", 1_000)))
                .containsEntry(RecordHeaders.OBJECT, FILE_B);
        assertThat(values(headers.of(record(FILE_A), "file", 1_000))).containsEntry(RecordHeaders.OBJECT, FILE_A);
        assertThat(values(headers.of(record(FILE_A + "#3"), "s3", 1_000))).containsEntry(RecordHeaders.SOURCE, "s3");
        assertThat(values(headers.of(record(FILE_A + "#4"), "s3", 1_001)))
                .containsEntry(RecordHeaders.INGESTED_AT, "1001").containsEntry(RecordHeaders.OBJECT, FILE_A);
        assertThat(values(headers.of(record(FILE_B + "#2"), "s3", 1_001)))
                .containsEntry(RecordHeaders.OBJECT, FILE_B);
    }

    @Test
    void recordsOfInterleavedObjectsGetTheirOwnObjectsHeadersAsTheLivePathBuildsThem() {
        SourceHeaders headers = new SourceHeaders();
        String fileC = TREE + "111122223333_CloudTrail_us-east-1_20261102T0010Z_c.json.gz";
        List<String> objects = List.of(FILE_A, FILE_B, fileC);

        // a tree's records alternate between its objects as the sort merges them by event time
        for (int i = 0; i < 30; i++) {
            String object = objects.get(i % 3);
            long now = 1_000 + i / 7;
            List<Header> got = headers.of(record(object + "#" + i), "file", now);
            List<Header> live = WireFormat.headers(Map.of(RecordHeaders.SOURCE, "file", RecordHeaders.OBJECT, object),
                    now);
            assertThat(values(got)).as("record %d", i).isEqualTo(values(live));
            assertThat(got.get(got.size() - 1).key()).isEqualTo(RecordHeaders.INGESTED_AT);
        }
        // back to an object seen before, in the same millisecond: the very list its last record got
        List<Header> first = headers.of(record(FILE_A + "#100"), "file", 2_000);
        headers.of(record(FILE_B + "#100"), "file", 2_000);
        assertThat(headers.of(record(FILE_A + "#101"), "file", 2_000)).isSameAs(first);
        // the same object read from another source is another object
        assertThat(values(headers.of(record(FILE_A + "#102"), "s3", 2_000))).containsEntry(RecordHeaders.SOURCE, "s3")
                .containsEntry(RecordHeaders.OBJECT, FILE_A);
    }

    @Test
    void objectsBeyondThoseKeptGetTheRightHeadersToo() {
        SourceHeaders headers = new SourceHeaders();
        int objects = SourceHeaders.OBJECTS + 10;

        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < objects; i++) {
                String object = TREE + "object-" + i + ".json.gz";
                assertThat(values(headers.of(record(object + "#" + round), "file", 5_000)))
                        .containsEntry(RecordHeaders.OBJECT, object).containsEntry(RecordHeaders.SOURCE, "file")
                        .containsEntry(RecordHeaders.INGESTED_AT, "5000");
            }
        }
    }

    private static CloudTrailRecord record(String location) {
        return new CloudTrailRecord("{}".getBytes(StandardCharsets.UTF_8), "111122223333", 0, location, "us-east-1");
    }

    private static Map<String, String> values(List<Header> headers) {
        return headers.stream().collect(Collectors.toMap(Header::key,
                h -> new String(h.value(), StandardCharsets.UTF_8)));
    }
}
