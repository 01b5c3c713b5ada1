package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwatch scan} with {@code tuning.dir}: the exception removes exactly the alerts it names, the summary
 * says how many, and a bad tuning file stops the command before anything is read, with exit 2 naming file and entry.
 */
class ScanTuningIT {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void leavesOutTheAlertsAnExceptionCoversAndSaysHowMany() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("trail.json"), "{\"Records\": [" + TestEvents.stopLogging(T0).user("rotation-job")
                .json() + "," + TestEvents.stopLogging(T0.plusSeconds(60)).user("mallory").json() + "]}");
        Path tuning = Files.createDirectories(dir.resolve("tuning"));
        Files.writeString(tuning.resolve("trails.yml"), """
                exceptions:
                  - id: trail-rotation
                    reason: the rotation job stops the previous trail
                    owner: cloud-team
                    rule: cloudtrail-logging-stopped
                    when:
                      principal: "arn:aws:iam::*:user/rotation-job"
                """);

        ScanRun untuned = ScanRun.of(dir, logs.toString());
        ScanRun tuned = ScanRun.of(dir, "--config", config("tuning.dir = " + tuning).toString(), logs.toString());

        assertThat(untuned.exit()).as(untuned.err()).isZero();
        assertThat(untuned.lines()).hasSize(2);
        assertThat(tuned.exit()).as(tuned.err()).isZero();
        assertThat(tuned.lines()).singleElement().asString().contains("user/mallory");
        assertThat(tuned.err()).contains("2 events, 1 alerts, 0 rejected")
                .contains("1 alerts kept out by tuning.dir: 1 excepted, 0 of disabled rules");
    }

    @Test
    void stopsWithExitTwoNamingEveryProblemOfABadTuningFile() throws IOException {
        Path tuning = Files.createDirectories(dir.resolve("tuning"));
        Files.writeString(tuning.resolve("bad.yml"), """
                exceptions:
                  - id: no-owner
                    reason: r
                    rule: cloudtrail-logging-stopped
                    when: {sourceIp: 10.0.0.0/33}
                overrides:
                  - {id: typo, reason: r, owner: o, rule: cloudtrail-loging-stopped, disabled: true}
                """);

        ScanRun run = ScanRun.of(dir, "--config", config("tuning.dir = " + tuning).toString(), dir.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("tuning.dir " + tuning)
                .contains(tuning.resolve("bad.yml") + ": exceptions[0] (id no-owner): 'owner' is missing")
                .contains("'when.sourceIp': '10.0.0.0/33' is not an IP address or CIDR block")
                .doesNotContain("read 0 objects");
        Files.writeString(tuning.resolve("bad.yml"), """
                overrides:
                  - {id: typo, reason: r, owner: o, rule: cloudtrail-loging-stopped, disabled: true}
                """);
        ScanRun unknown = ScanRun.of(dir, "--config", config("tuning.dir = " + tuning).toString(), dir.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("override typo: unknown rule id 'cloudtrail-loging-stopped'");
    }

    private Path config(String line) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "trailwatch-", ".properties"), line + "\n");
    }
}
