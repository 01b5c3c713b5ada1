package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.source.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The source headers scan sends each record with: those of the live path ({@code WireFormat.headers}) for the
 * record's object and source and the moment it was handed over, built again whenever one of them changes, shared while
 * none does.
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

    private static CloudTrailRecord record(String location) {
        return new CloudTrailRecord("{}".getBytes(StandardCharsets.UTF_8), "111122223333", 0, location, "us-east-1");
    }

    private static Map<String, String> values(List<Header> headers) {
        return headers.stream().collect(Collectors.toMap(Header::key,
                h -> new String(h.value(), StandardCharsets.UTF_8)));
    }
}
