package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TrailWatchApp;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trailwatch scan} end to end: files in, JSON-line alerts out, a summary, exit 0, bad input counted. */
class ScanCommandIT {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void writesAlertsAsJsonLinesFlushesFoldedRepeatsAndCountsWhatItRejected() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20"));
        TestEvents first = TestEvents.stopLogging(T0).user("mallory");
        writeGzip(logs.resolve("111122223333_CloudTrail_us-east-1_20261120T1000Z_aaaaaaaaaaaaaaaa.json.gz"),
                first, TestEvents.stopLogging(T0.plusSeconds(120)).user("mallory"),
                TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0.plusSeconds(130)));
        Files.writeString(logs.resolve("111122223333_CloudTrail_us-east-1_20261120T1005Z_bbbbbbbbbbbbbbbb.json"),
                "{\"Records\": [" + TestEvents.event("iam.amazonaws.com", "ListUsers", T0.plusSeconds(200)).json()
                        + ", {\"eventID\": \"no-time\", \"eventName\": \"X\", \"eventSource\": \"x\"}]}");
        Files.writeString(logs.resolve("broken.json.gz"), "not gzip and not json");
        Path out = dir.resolve("alerts.jsonl");

        StringWriter err = new StringWriter();
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("scan", "--out", out.toString(), dir.resolve("AWSLogs").toString());

        assertThat(exit).as(err.toString()).isZero();
        List<JsonNode> alerts = Files.readAllLines(out).stream().map(ScanCommandIT::json).toList();
        assertThat(alerts).extracting(a -> a.get("ruleId").asText())
                .containsOnly("cloudtrail-logging-stopped");
        assertThat(alerts).extracting(a -> a.get("eventCount").asLong()).containsExactly(1L, 2L);
        assertThat(alerts.get(1).get("alertId")).isEqualTo(alerts.get(0).get("alertId"));
        assertThat(alerts.get(0).get("eventIds").get(0).asText()).isEqualTo(first.eventId());
        assertThat(err.toString()).contains("4 events, 2 alerts, 2 rejected (missing_field 1, unreadable 1)")
                .contains("broken.json.gz");
    }

    @Test
    void failsWithAClearMessageForAMissingPath() {
        StringWriter err = new StringWriter();
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("scan", dir.resolve("nope").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or directory").contains("nope");
    }

    @Test
    void aFolderWithoutCloudTrailFilesIsAnErrorThatSaysSo() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("exports"));
        Files.writeString(empty.resolve("README.txt"), "nothing to see");

        ScanRun run = ScanRun.of(dir, empty.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("no CloudTrail log files in " + empty);
    }

    @Test
    void huntsWithinATimeRangeWritesTextLinesAndFailsOnASeverity() throws Exception {
        Path lines = dir.resolve("export.jsonl");
        TestEvents before = TestEvents.stopLogging(T0.minusSeconds(3_600)).user("early");
        TestEvents inside = TestEvents.stopLogging(T0.plusSeconds(60)).user("mallory");
        TestEvents exported = TestEvents.stopLogging(T0.plusSeconds(120)).user("trudy")
                .set("eventTime", "2026-11-20 11:02:00.000+01:00");
        Files.writeString(lines, inside.json() + "\n" + before.json() + "\n" + exported.json() + "\n");

        ScanRun failing = ScanRun.of(dir, "--format", "text", "--fail-on", "high", "--since", "2026-11-20T10:00:00Z",
                "--until", "2026-11-20T11:00:00Z", lines.toString());
        ScanRun passing = ScanRun.of(dir, "--fail-on", "CRITICAL", "--since", "2026-11-20T10:00:00Z",
                lines.toString());

        assertThat(failing.exit()).as(failing.err()).isEqualTo(1);
        assertThat(failing.lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("cloudtrail-logging-stopped"));
        assertThat(failing.lines().get(0)).startsWith("2026-11-20T10:01:00Z").contains("user/mallory");
        assertThat(failing.lines().get(1)).startsWith("2026-11-20T10:02:00Z").contains("user/trudy");
        assertThat(failing.err()).contains("2 events, 2 alerts, 0 rejected")
                .contains("1 records outside --since/--until/--accounts/--regions");
        assertThat(passing.exit()).as(passing.err()).isZero();
    }

    private static JsonNode json(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static void writeGzip(Path file, TestEvents... events) throws IOException {
        StringBuilder body = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < events.length; i++) {
            body.append(i == 0 ? "" : ",").append(events[i].json());
        }
        body.append("]}");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(body.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

}
