package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.pipeline.TrailObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local listing hands each file the scan will read to the first pass as soon as it finds it: every file once,
 * whatever the overlap of the arguments, only those the filter keeps, each with its size; the objects it lists
 * afterwards are the same ones, in scan order.
 */
class ScanInputsTest {

    private static final ScanFilter EVERYTHING = new ScanFilter(null, null, Set.of(), Set.of(), Duration.ofHours(1));

    @TempDir
    Path dir;

    @Test
    void listsEachFileOnceInScanOrder() throws IOException {
        Path late = file("AWSLogs/111111111111/CloudTrail/us-east-1/2025/03/07/"
                + "111111111111_CloudTrail_us-east-1_20250307T2135Z_b.json.gz", 40);
        Path early = file("AWSLogs/222222222222/CloudTrail/eu-west-1/2025/03/07/"
                + "222222222222_CloudTrail_eu-west-1_20250307T2130Z_a.json.gz", 30);
        Path export = file("exports/events.jsonl", 10);
        file("exports/README.md", 5);
        try (ScanInputs inputs = ScanInputs.of(List.of(dir.toString(), late.toString(),
                dir.resolve("AWSLogs/../exports").toString()), EVERYTHING)) {

            assertThat(inputs.localTree()).extracting(TrailObject::sizeBytes).containsExactly(10L, 30L, 40L);
            assertThat(inputs.localTree()).extracting(TrailObject::location)
                    .containsExactly(export.toString(), early.toString(), late.toString());
        }
    }

    @Test
    void aFileTheFilterSkipsByItsNameIsNotInTheTree() throws IOException {
        file("111111111111_CloudTrail_us-east-1_20250307T2135Z_b.json.gz", 40);
        Path kept = file("222222222222_CloudTrail_eu-west-1_20250307T2130Z_a.json.gz", 30);
        ScanFilter oneAccount = new ScanFilter(null, null, Set.of("222222222222"), Set.of(), Duration.ofHours(1));
        try (ScanInputs inputs = ScanInputs.of(List.of(dir.toString()), oneAccount)) {
            assertThat(inputs.localTree()).as("one file kept is no tree").isNull();
            assertThat(inputs.localObjects()).isEqualTo(1);
            assertThat(inputs.localBytes()).as(kept.toString()).isEqualTo(30);
        }
    }

    @Test
    void aPathWithoutLogFilesIsTheUsersError() throws IOException {
        file("notes/README.md", 5);

        assertThatThrownBy(() -> ScanInputs.of(List.of(dir.resolve("notes").toString()), EVERYTHING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no CloudTrail log files in");
        assertThatThrownBy(() -> ScanInputs.of(List.of(dir.resolve("nope").toString()), EVERYTHING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no such file or directory");
    }

    /**
     * A local copy of a trail's bucket holds CloudTrail-Digest/ and, with Insights on, CloudTrail-Insight/ files beside
     * the logs: the scan of the copy reads what the scan of the bucket reads (S3Inputs skips both), not Insights
     * events that every detection would only dead-letter.
     */
    @Test
    void aBucketCopyIsReadWithoutItsDigestAndInsightsFiles() throws IOException {
        String account = "AWSLogs/o-abc123/111122223333/";
        Path log = file(account + "CloudTrail/us-east-1/2024/10/08/"
                + "111122223333_CloudTrail_us-east-1_20241008T1020Z_abcdEFGH12345678.json.gz", 30);
        file(account + "CloudTrail-Digest/us-east-1/2024/10/08/"
                + "111122223333_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20241008T103649Z.json.gz", 20);
        file(account + "CloudTrail-Insight/us-east-1/2024/10/08/"
                + "111122223333_CloudTrail-Insight_us-east-1_20241008T1025Z_xyzXYZ0123456789.json.gz", 10);
        try (ScanInputs inputs = ScanInputs.of(List.of(dir.toString()), EVERYTHING)) {
            assertThat(inputs.localObjects()).isEqualTo(1);
            assertThat(inputs.onlyLocalObject()).extracting(TrailObject::location).isEqualTo(log.toString());
        }
    }

    private Path file(String relative, int bytes) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.write(file, new byte[bytes]);
    }
}
