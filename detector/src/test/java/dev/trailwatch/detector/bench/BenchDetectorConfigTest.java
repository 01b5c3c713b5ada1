package dev.trailwatch.detector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TrailWatchApp;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.GeoIpSettings;
import dev.trailwatch.detector.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trailwatch bench --detector-config KEY=VALUE}: how a non-default detector is measured; and what the bench
 * refuses before it loads anything.
 */
class BenchDetectorConfigTest {

    @Test
    void theMeasuredDetectorRunsWithTheGivenSettingsAndTheBenchsOwnTopics(@TempDir Path dir) throws Exception {
        DetectorConfig config = BenchCommand.detectorConfig("127.0.0.1:9092", dir, 1,
                Map.of("geoip.country-db", "/data/country.mmdb", "alerts.min.severity", "MEDIUM"));

        assertThat(config.get(GeoIpSettings.COUNTRY_DB)).isEqualTo("/data/country.mmdb");
        assertThat(config.asMap()).containsEntry("alerts.min.severity", "MEDIUM")
                .containsEntry("topic.events", "bench.events");
        assertThat(config.get(Settings.TOPIC_ALERTS)).isEqualTo("bench.alerts.r1");
    }

    @Test
    void refusesUnknownSettingsAndTheOnesTheBenchSetsBeforeLoadingAnything() {
        assertThat(run("bench", "--detector-config", "burst.discovery.enabld=true"))
                .satisfies(r -> assertThat(r.code()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("unknown setting 'burst.discovery.enabld'"));
        assertThat(run("bench", "--detector-config", "topic.events=mine"))
                .satisfies(r -> assertThat(r.code()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("--detector-config topic.events"));
        assertThat(run("bench", "--detector-config", "burst.harvest.resources=-1"))
                .satisfies(r -> assertThat(r.code()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("burst.harvest.resources"));
    }

    @Test
    void refusesARunTheTemporaryDirectoryCannotHoldBeforePreLoading() {
        Result result = run("bench", "--events", "1000000000000");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("1,000,000,000,000 events (and 500,000 for the scan stage) need ~650002.3 GB")
                .contains("GB free").contains("--events");
        assertThat(run("bench", "--events", Long.toString(Long.MAX_VALUE)).err()).contains("GB free");
    }

    private record Result(int code, String err) {
    }

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = TrailWatchApp.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter()));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Result(code, err.toString());
    }
}
