package dev.trailwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The class-data sharing archive {@code mvn package} writes beside the shaded jar (scripts/cds-archive.sh) is one this
 * JVM maps, with the size the launcher checks; a scan that maps it writes what one without it writes.
 */
class ClassDataSharingIT {

    private static final Path JAR = Path.of("target/trailwatch.jar").toAbsolutePath();
    private static final Path ARCHIVE = Path.of("target/trailwatch.jsa").toAbsolutePath();

    @Test
    void thePackagedArchiveIsMappedByThisJvmAndChangesNoAlert() throws Exception {
        assertThat(ARCHIVE).as("written by mvn package (scripts/cds-archive.sh)").exists();
        assertThat(Files.readString(Path.of(ARCHIVE + ".size")).trim()).isEqualTo(String.valueOf(Files.size(ARCHIVE)));
        assertThat(Files.getLastModifiedTime(ARCHIVE)).isGreaterThan(Files.getLastModifiedTime(JAR));

        Run mapped = scan("-XX:SharedArchiveFile=" + ARCHIVE, "-Xlog:cds=info");
        Run plain = scan("-Xshare:auto");

        assertThat(mapped.log()).as(mapped.log()).contains("Mapped dynamic region");
        assertThat(mapped.exit()).isZero();
        assertThat(mapped.alerts()).hasSizeGreaterThan(20).isEqualTo(plain.alerts());
    }

    private record Run(int exit, String log, List<String> alerts) {
    }

    private static Run scan(String... jvm) throws IOException, InterruptedException {
        Path out = Files.createTempFile("cds-scan", ".jsonl");
        Path log = Files.createTempFile("cds-scan", ".log");
        try {
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(jvm));
            command.addAll(List.of("-jar", JAR.toString(), "scan", "--out", out.toString(),
                    Path.of("src/main/resources/samples").toAbsolutePath().toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            List<String> alerts = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .map(l -> l.replaceAll("\"detectedAt\":\"[^\"]*\",?", "")).toList();
            return new Run(process.exitValue(), Files.readString(log), alerts);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }
}
