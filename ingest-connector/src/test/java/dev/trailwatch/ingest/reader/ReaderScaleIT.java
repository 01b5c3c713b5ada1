package dev.trailwatch.ingest.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many small files, as an organization trail delivers them (slow on disk, so not a unit test). */
class ReaderScaleIT {

    @TempDir
    Path dir;

    @Test
    void readsTenThousandSmallFilesInDeliveryOrder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("AWSLogs/111122223333/CloudTrail/eu-west-1/2024/01/15"));
        byte[] content = Fixtures.gzip(Fixtures.utf8(Fixtures.envelope(Fixtures.record(1), Fixtures.record(2))));
        for (int i = 0; i < 10_000; i++) {
            String name = String.format("111122223333_CloudTrail_eu-west-1_20240115T%02d%02dZ_%05d.json.gz",
                    i / 600, (i / 10) % 60, i);
            Files.write(folder.resolve(name), content);
        }
        CloudTrailFileReader reader = new CloudTrailFileReader();
        CollectingSink sink = new CollectingSink();

        long records = 0;
        for (Path file : CloudTrailFiles.list(List.of(dir))) {
            try (InputStream in = Files.newInputStream(file)) {
                records += reader.read(in, file.toString(), sink);
            }
        }

        assertThat(records).isEqualTo(20_000);
        assertThat(sink.rejections).isEmpty();
        assertThat(sink.records.get(19_999).location()).endsWith("_09999.json.gz#1");
    }
}
