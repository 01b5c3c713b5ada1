package dev.trailwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesSourceTest {

    @TempDir
    Path dir;

    private final List<IngestRecord> out = new ArrayList<>();
    private final RecordEmitter emitter = new RecordEmitter() {
        @Override
        public void emit(IngestRecord record) {
            out.add(record);
        }

        @Override
        public void rejected(String location, String reason) {
        }
    };

    private static String records(String file, int n) {
        StringBuilder b = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"eventID\":\"").append(file).append('-').append(i)
                    .append("\",\"recipientAccountId\":\"111122223333\"}");
        }
        return b.append("]}").toString();
    }

    private Path write(String name, int n) throws IOException {
        return Files.writeString(dir.resolve(name), records(name, n));
    }

    private FilesSource source(Map<Map<String, Object>, KeyOffset> committed) {
        return new FilesSource(List.of(dir), new Routing("t", null), new CloudTrailFileReader(), null,
                p -> committed.getOrDefault(p, KeyOffset.START));
    }

    @Test
    void lastRecordOfAFileMarksItFinishedAndAResumeSkipsWhatWasDone() throws Exception {
        Path a = write("1_CloudTrail_eu-west-1_20240115T1000Z_a.json", 2);
        Path b = write("1_CloudTrail_eu-west-1_20240115T1005Z_b.json", 3);

        source(Map.of()).run(emitter);

        assertThat(out).extracting(r -> KeyOffset.fromMap(r.sourceOffset())).containsExactly(
                new KeyOffset("", a.toString(), 1), KeyOffset.START.finished(a.toString()),
                new KeyOffset(a.toString(), b.toString(), 1), new KeyOffset(a.toString(), b.toString(), 2),
                KeyOffset.START.finished(b.toString()));
        assertThat(out).allSatisfy(r -> assertThat(r.headers()).containsEntry(RecordHeaders.SOURCE, "file"));

        Map<Map<String, Object>, KeyOffset> committed = new HashMap<>();
        committed.put(FilesSource.partitionOf(dir), KeyOffset.fromMap(out.get(2).sourceOffset()));
        out.clear();
        source(committed).run(emitter);

        assertThat(out).extracting(r -> new String(r.record().json())).containsExactly(
                "{\"eventID\":\"" + b.getFileName() + "-1\",\"recipientAccountId\":\"111122223333\"}",
                "{\"eventID\":\"" + b.getFileName() + "-2\",\"recipientAccountId\":\"111122223333\"}");
    }

    @Test
    void insightFilesGoToTheirTopicOrNowhere() throws Exception {
        Files.createDirectories(dir.resolve("CloudTrail-Insight"));
        write("CloudTrail-Insight/1_CloudTrail-Insight_eu-west-1_20240115T1000Z_a.json", 1);
        write("1_CloudTrail_eu-west-1_20240115T1005Z_b.json", 1);

        source(Map.of()).run(emitter);
        new FilesSource(List.of(dir), new Routing("t", "insights"), new CloudTrailFileReader(), null,
                p -> KeyOffset.START).run(emitter);

        assertThat(out).extracting(IngestRecord::topic).containsExactly("t", "insights", "t");
    }
}
