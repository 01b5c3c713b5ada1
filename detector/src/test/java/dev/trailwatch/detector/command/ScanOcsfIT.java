package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.AlertSchemas;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TrailWatchApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trailwatch scan -D alerts.format=ocsf}: the alerts topic carries OCSF Detection Findings and the scan writes
 * them as its output lines, each valid against the published schema, a folded repeat carrying the same finding uid.
 */
class ScanOcsfIT {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void writesOcsfDetectionFindingsWhenTheFormatIsOcsf() throws Exception {
        TestEvents first = TestEvents.stopLogging(T0).user("mallory");
        Path log = dir.resolve("111122223333_CloudTrail_us-east-1_20261120T1000Z_aaaaaaaaaaaaaaaa.json");
        Files.writeString(log, "{\"Records\": [" + first.json() + ", "
                + TestEvents.stopLogging(T0.plusSeconds(120)).user("mallory").json() + "]}");
        Path out = dir.resolve("findings.jsonl");

        StringWriter err = new StringWriter();
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("scan", "-D", "alerts.format=ocsf", "--out", out.toString(), log.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<JsonNode> findings = Files.readAllLines(out).stream().map(ScanOcsfIT::json).toList();
        assertThat(findings).hasSize(2).allSatisfy(finding -> {
            assertThat(AlertSchemas.OCSF.violations(finding)).as(finding.toString()).isEmpty();
            assertThat(finding.at("/metadata/event_code").asText()).isEqualTo("cloudtrail-logging-stopped");
            assertThat(finding.at("/evidences/0/actor/user/name").asText()).isEqualTo("mallory");
        });
        assertThat(findings).extracting(f -> f.get("count").asLong()).containsExactly(1L, 2L);
        assertThat(findings.get(1).at("/finding_info/uid")).isEqualTo(findings.get(0).at("/finding_info/uid"));
        assertThat(findings.get(0).at("/evidences/0/uid").asText()).isEqualTo(first.eventId());
        assertThat(err.toString()).contains("2 events, 2 alerts, 0 rejected");
    }

    private static JsonNode json(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }
}
