package dev.trailwatch.detector.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.catalog.FileReload;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tuning.dir re-read while the detector runs: exceptions follow the files; thresholds wait for a restart. */
class TuningDirectoryTest {

    private static final Set<String> RULES = Set.of("cloudtrail-logging-stopped", "failed-console-login-burst");

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private LiveTuning live;
    private FileReload reload;

    @BeforeEach
    void start() throws IOException, TuningException {
        Files.writeString(dir.resolve("trails.yml"), exception("alice-rotates-trails", "cloudtrail-logging-stopped"));
        live = new LiveTuning(TuningParser.load(dir), new TrailWatchMetrics(registry));
        reload = FileReload.every(Duration.ofHours(1));
        TuningDirectory.watch(reload, dir, live, () -> RULES, registry);
        reload.pollNow();
    }

    @Test
    void anAddedChangedAndDeletedExceptionFileAppliesToTheNextAlert() throws IOException {
        Files.writeString(dir.resolve("scanner.yaml"), exception("scanner-range", "failed-console-login-burst"));
        Files.delete(dir.resolve("trails.yml"));
        reload.pollNow();

        assertThat(live.get().exceptions()).extracting(ExceptionEntry::id).containsExactly("scanner-range");
    }

    @Test
    void aBadFileOrAnUnknownRuleIsRejectedAndThePreviousVersionStays() throws IOException {
        Files.writeString(dir.resolve("trails.yml"), exception("alice-rotates-trails", "cloudtrail-loging-stopped"));
        Files.writeString(dir.resolve("broken.yml"), "exceptions: [ {id: x\n");
        reload.pollNow();

        assertThat(live.get().exceptions()).extracting(ExceptionEntry::id).containsExactly("alice-rotates-trails");
        assertThat(registry.get("trailwatch.exceptions.rejected").tags("source", "file", "reason", "unknown-rule")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("trailwatch.exceptions.rejected").tags("source", "file", "reason", "invalid")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void anIdUsedInTwoFilesRefusesTheChange() throws IOException {
        Files.writeString(dir.resolve("copy.yml"), exception("alice-rotates-trails", "failed-console-login-burst"));
        reload.pollNow();

        assertThat(live.get().exceptions()).singleElement().extracting(ExceptionEntry::source)
                .isEqualTo(dir.resolve("trails.yml").toString());
        assertThat(registry.get("trailwatch.exceptions.rejected").tags("source", "file", "reason", "duplicate-id")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void aThresholdChangeIsTakenButTheSettingsInForceAreThoseOfTheStart() throws IOException {
        Files.writeString(dir.resolve("office.yml"), """
                overrides:
                  - id: office-nat-logins
                    reason: the whole office signs in through one NAT address
                    owner: soc
                    rule: failed-console-login-burst
                    settings: {threshold: 20}
                """);
        reload.pollNow();

        assertThat(live.get().overrides()).extracting(OverrideEntry::id).containsExactly("office-nat-logins");
        assertThat(live.get().exceptions()).extracting(ExceptionEntry::id).containsExactly("alice-rotates-trails");
    }

    @Test
    void aConfigMapMountLoadsEachFileOnceAtStart(@TempDir Path mount) throws IOException, TuningException {
        Path data = Files.createDirectories(mount.resolve("..2026_12_05_09_30_00.1"));
        Files.writeString(data.resolve("trails.yml"), exception("alice-rotates-trails", "cloudtrail-logging-stopped"));
        Files.createSymbolicLink(mount.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(mount.resolve("trails.yml"), Path.of("..data/trails.yml"));

        assertThat(TuningParser.load(mount).exceptions()).extracting(ExceptionEntry::id)
                .containsExactly("alice-rotates-trails");
    }

    private static String exception(String id, String rule) {
        return """
                exceptions:
                  - id: %s
                    reason: the trail rotation job
                    owner: cloud-team
                    rule: %s
                    when:
                      principal: "*:user/alice"
                """.formatted(id, rule);
    }
}
