package dev.trailwatch.detector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.TrailWatchApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandIT {

    private static final Pattern LAST_LINE = Pattern.compile(
            "bench: detector=\\d+ baseline=\\d+ ceiling=\\d+ ratio=\\d+\\.\\d{3} p99_ms=\\d+ rss_mb=\\d+");

    @Test
    @Timeout(120)
    void smallBenchRunsEveryStageAndAlertsEveryAttack(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = TrailWatchApp.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));

        int code = cmd.execute("bench", "--events", "20000", "--rate", "2000", "--latency-seconds", "5",
                "--detector-jvm", "-Xmx256m", "--rounds", "2", "--scan-events", "5000", "--out", json.toString());

        assertEquals(0, code, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        String[] lines = out.toString().strip().split("\\R");
        String last = lines[lines.length - 1];
        assertTrue(LAST_LINE.matcher(last).matches(), last);
        assertTrue(Files.exists(json));
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertEquals(20000, result.get("events").asLong());
        assertTrue(result.get("detector_events_per_s").asLong() > 0);
        assertTrue(result.get("baseline_events_per_s").asLong() > 0);
        assertTrue(result.get("ceiling_events_per_s").asLong() > 0);
        assertEquals(result.get("injected_attacks").asInt(), result.get("attacks_alerted_per_round").asInt());
        // two interleaved rounds; the headline is each stage's best
        assertEquals(2, result.get("detector_rounds_events_per_s").size());
        assertEquals(2, result.get("baseline_rounds_events_per_s").size());
        long best = Math.max(result.get("detector_rounds_events_per_s").get(0).asLong(),
                result.get("detector_rounds_events_per_s").get(1).asLong());
        assertEquals(best, result.get("detector_events_per_s").asLong());
        // each round, each stage's rate in every tenth of its events: where its warm-up ended
        for (String stage : new String[] {"baseline_tenths_events_per_s", "detector_tenths_events_per_s"}) {
            assertEquals(2, result.get(stage).size(), stage);
            for (JsonNode round : result.get(stage)) {
                assertEquals(10, round.size(), () -> stage + " " + round);
                round.forEach(tenth -> assertTrue(tenth.asLong() > 0, () -> stage + " " + round));
            }
        }
        assertEquals(0, result.get("attacks_missed").size());
        assertEquals(0, result.get("latency").get("attacks_missed").size());
        // one attack round (3 attacks) per 0.2 s of live traffic, every one measured
        assertEquals(75, result.get("latency").get("samples").asInt());
        // the detector ran in its own process: its RSS is its own, and it kept state
        assertTrue(result.get("peak_rss_mb").asLong() > 50, () -> "rss " + result.get("peak_rss_mb"));
        assertTrue(result.get("state_store_entries").size() > 5, () -> "stores " + result.get("state_store_entries"));
        // the scan stage ran `trailwatch scan` over the same history in each input form
        assertTrue(result.hasNonNull("scan") && !result.get("scan").isEmpty(), () -> "scan " + result.get("scan"));
        JsonNode timeline = result.get("detector_timeline");
        assertTrue(timeline.size() >= 1 && timeline.size() <= 10, timeline::toString);
        assertEquals(20000, timeline.get(timeline.size() - 1).get("events").asLong());
    }
}
