package dev.trailwatch.detector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's scan stage maps the class-data sharing archive exactly when the launcher would: beside the jar, newer
 * than it, whole (the size written with it), not turned off.
 */
class ScanStageTest {

    @TempDir
    Path dir;

    @Test
    void mapsAWholeArchiveNewerThanTheJarBesideIt() throws IOException {
        Path jar = jarWithArchive(4096, "4096");

        assertThat(ScanStage.classDataSharing(jar.toString(), null))
                .containsExactly("-XX:SharedArchiveFile=" + dir.resolve("trailwatch.jsa"), "-Xlog:cds*=off");
        assertThat(ScanStage.classDataSharing(jar.toString(), "on")).hasSize(2);
    }

    @Test
    void leavesOutATruncatedArchiveOneOlderThanTheJarOrOneTurnedOff() throws IOException {
        Path jar = jarWithArchive(4096, "8192");
        assertThat(ScanStage.classDataSharing(jar.toString(), null)).as("truncated: the JVM would die of SIGBUS")
                .isEmpty();

        jar = jarWithArchive(4096, "4096");
        assertThat(ScanStage.classDataSharing(jar.toString(), "off")).isEmpty();
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(ScanStage.classDataSharing(jar.toString(), null)).as("the jar was rebuilt after it").isEmpty();
    }

    @Test
    void leavesItOutWithoutASizeOrForAClassPathOfSeveralEntries() throws IOException {
        Path jar = jarWithArchive(4096, "4096");
        assertThat(ScanStage.classDataSharing(jar + java.io.File.pathSeparator + dir.resolve("other.jar"), null))
                .isEmpty();
        assertThat(ScanStage.classDataSharing(dir.resolve("classes").toString(), null)).isEmpty();

        Files.delete(dir.resolve("trailwatch.jsa.size"));
        assertThat(ScanStage.classDataSharing(jar.toString(), null)).isEmpty();
    }

    private Path jarWithArchive(int archiveBytes, String recordedSize) throws IOException {
        Path jar = Files.write(dir.resolve("trailwatch.jar"), new byte[16]);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        Path archive = dir.resolve("trailwatch.jsa");
        Files.deleteIfExists(archive);
        Files.write(archive, new byte[archiveBytes]);
        Files.writeString(dir.resolve("trailwatch.jsa.size"), recordedSize + "\n");
        return jar;
    }
}
