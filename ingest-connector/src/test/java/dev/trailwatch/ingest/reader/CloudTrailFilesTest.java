package dev.trailwatch.ingest.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudTrailFilesTest {

    @TempDir
    Path dir;

    private Path file(String relative) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "{}");
    }

    @Test
    void listsFoldersRecursivelyInDeliveryTimeOrderSkippingDigestsAndHiddenFiles() throws IOException {
        String day = "AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2024/01/15/";
        Path late = file(day + "111122223333_CloudTrail_eu-west-1_20240115T1010Z_b.json.gz");
        Path early = file("z/222233334444_CloudTrail_us-east-1_20240115T1005Z_a.json.gz");
        Path insight = file("AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2024/01/15/"
                + "111122223333_CloudTrail-Insight_eu-west-1_20240115T1007Z_c.json.gz");
        Path plain = file("exports/events.json");
        file("AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/01/15/"
                + "111122223333_CloudTrail-Digest_eu-west-1_trail_us-east-1_20240115T1005Z.json.gz");
        file(".hidden/x.json");
        file("exports/.DS_Store");
        file("exports/README.md");
        file("exports/manifest.txt");
        Path lines = file("exports/more.JSONL");

        List<Path> files = CloudTrailFiles.list(List.of(dir));

        assertThat(files).containsExactly(early, insight, late, plain, lines);
    }

    @Test
    void walkHandsOverTheSameFilesAsTheListingEachWithItsSizeAndALinkToAFileToo() throws IOException {
        Path a = file("AWSLogs/111122223333/CloudTrail/eu-west-1/2024/01/15/"
                + "111122223333_CloudTrail_eu-west-1_20240115T1010Z_b.json.gz");
        Path b = Files.writeString(file("exports/events.jsonl"), "{\"eventTime\":\"2024-01-15T10:05:00Z\"}\n");
        file(".cache/c.json");
        file("exports/notes.txt");
        Path link = Files.createSymbolicLink(dir.resolve("exports/linked.json"), a);
        Files.createSymbolicLink(dir.resolve("folder-link.json"), dir.resolve("exports"));
        Map<Path, Long> walked = new HashMap<>();

        CloudTrailFiles.walk(dir, (file, size) -> assertThat(walked.put(file, size)).isNull());

        assertThat(walked).containsOnly(entry(a, 2L), entry(b, Files.size(b)), entry(link, 2L));
        assertThat(CloudTrailFiles.list(List.of(dir))).containsExactlyInAnyOrderElementsOf(walked.keySet());
    }

    @Test
    void readsAFileNamedExplicitlyWhateverItsName() throws IOException {
        Path odd = file("events.txt");

        assertThat(CloudTrailFiles.list(List.of(odd))).containsExactly(odd);
    }

    @Test
    void namedFilesAreReadOnceEvenWhenAlsoInsideAListedFolder() throws IOException {
        Path a = file("a.json");
        Path b = file("b.json");

        assertThat(CloudTrailFiles.list(List.of(b, dir, a))).containsExactly(a, b);
    }

    @Test
    void nonexistentPathIsNamed() {
        Path missing = dir.resolve("nope.json.gz");

        assertThatThrownBy(() -> CloudTrailFiles.list(List.of(missing)))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope.json.gz");
    }

    @Test
    void recognisesDigestsInsightsAndFileTimes() {
        assertThat(CloudTrailFiles.isDigest("AWSLogs/1/CloudTrail-Digest/us-east-1/2024/01/15/x.json.gz")).isTrue();
        assertThat(CloudTrailFiles.isDigest("1_CloudTrail-Digest_us-east-1_t_us-east-1_20240115T1005Z.json.gz")).isTrue();
        assertThat(CloudTrailFiles.isDigest("AWSLogs/1/CloudTrail/us-east-1/2024/01/15/1_CloudTrail_us-east-1_20240115T1005Z_a.json.gz")).isFalse();
        assertThat(CloudTrailFiles.isInsight("AWSLogs/1/CloudTrail-Insight/us-east-1/x.json.gz")).isTrue();
        assertThat(CloudTrailFiles.fileTimestamp("1_CloudTrail_ap-southeast-2_20240115T1005Z_Ab12.json.gz")).isEqualTo("20240115T1005Z");
        assertThat(CloudTrailFiles.fileTimestamp("events.json")).isNull();
    }
}
