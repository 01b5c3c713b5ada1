package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.RuleTexts;
import dev.trailwatch.detector.catalog.FileReload;
import dev.trailwatch.detector.model.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rules.dir re-read while the detector runs: the watch-list rules in force follow the folder's files, a bad file
 * keeps its previous version, and the built-in rules and the rules topic's stay as they are.
 */
class RuleDirectoryTest {

    private static final Instant T0 = Instant.parse("2024-05-14T10:00:00Z");
    private static final String SIGMA = RuleTexts.sigmaBucketPolicyRead("medium");

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private LiveRules live;
    private FileReload reload;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(dir.resolve("bucket-tagged.yml"), RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));
        live = new LiveRules(RulePack.load(dir));
        reload = FileReload.every(Duration.ofHours(1));
        RuleDirectory.watch(reload, dir, live, registry);
        reload.pollNow();
    }

    @Test
    void aChangedRuleFileAppliesFromTheNextEventOn() throws IOException {
        Files.writeString(dir.resolve("bucket-tagged.yml"), RuleTexts.bucketTagged("bucket-tagged", "HIGH"));
        reload.pollNow();

        assertThat(live.get().matching(TestEvents.parse(RuleTexts.tagging("prod-data", T0).json())))
                .singleElement().satisfies(rule -> assertThat(rule.severity()).isEqualTo(Severity.HIGH));
        assertThat(live.get().rule("cloudtrail-logging-stopped")).as("built-in rules stay").isPresent();
    }

    @Test
    void aBadFileIsRejectedWithItsReasonAndThePreviousVersionStays() throws IOException {
        Files.writeString(dir.resolve("bucket-tagged.yml"), RuleTexts.failingTests("bucket-tagged"));
        reload.pollNow();
        Files.writeString(dir.resolve("other.yml"), RuleTexts.unknownKey("other"));
        reload.pollNow();

        assertThat(live.get().rule("bucket-tagged")).get().extracting(Rule::severity).isEqualTo(Severity.MEDIUM);
        assertThat(live.get().rule("other")).isEmpty();
        assertThat(registry.get("trailwatch.rules.rejected").tags("source", "file", "reason", "test").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("trailwatch.rules.rejected").tags("source", "file", "reason", "unknown-key")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void anAddedSigmaRuleLoadsAndADeletedFileTakesItsRuleAway() throws IOException {
        Files.writeString(dir.resolve("bucket_policy_read.yml"), SIGMA);
        Files.delete(dir.resolve("bucket-tagged.yml"));
        reload.pollNow();

        assertThat(live.get().rule("sigma-bucket-policy-read")).isPresent();
        assertThat(live.get().rule("bucket-tagged")).isEmpty();
    }

    @Test
    void aSigmaFileWithAnUnsupportedModifierIsRejectedAndTheRuleBeforeStays() throws IOException {
        Files.writeString(dir.resolve("bucket_policy_read.yml"), SIGMA);
        reload.pollNow();
        Files.writeString(dir.resolve("bucket_policy_read.yml"),
                SIGMA.replace("eventName: GetBucketPolicy", "eventName|nosuchmodifier: GetBucketPolicy"));
        reload.pollNow();

        assertThat(live.get().rule("sigma-bucket-policy-read")).isPresent();
        assertThat(registry.get("trailwatch.rules.rejected").tags("source", "file", "reason", "sigma").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void aFileCopyOfABuiltInRuleIsRefusedAndTheRulesInForceStay() throws IOException {
        Files.writeString(dir.resolve("cloudtrail-logging-stopped.yml"),
                RuleTexts.bucketTagged("cloudtrail-logging-stopped", "LOW"));
        reload.pollNow();

        assertThat(live.get().rule("cloudtrail-logging-stopped")).get().extracting(Rule::severity)
                .isEqualTo(Severity.HIGH);
        assertThat(registry.get("trailwatch.rules.rejected").tags("source", "file", "reason", "duplicate-id")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void aConfigMapMountLoadsEachRuleOnceAtStart(@TempDir Path mount) throws IOException {
        Path data = Files.createDirectories(mount.resolve("..2026_12_05_09_30_00.1"));
        Files.writeString(data.resolve("bucket-tagged.yml"), RuleTexts.bucketTagged("bucket-tagged", "LOW"));
        Files.createSymbolicLink(mount.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(mount.resolve("bucket-tagged.yml"), Path.of("..data/bucket-tagged.yml"));

        assertThat(RulePack.load(mount).rule("bucket-tagged")).get().extracting(Rule::source)
                .isEqualTo(mount.resolve("bucket-tagged.yml").toString());
    }

    @Test
    void theRulesTopicStillReplacesAReloadedFileRule() throws IOException {
        live.topicRules(java.util.Map.of("bucket-tagged",
                RuleParser.parse("topic/bucket-tagged", RuleTexts.bucketTagged("bucket-tagged", "LOW"))));
        Files.writeString(dir.resolve("bucket-tagged.yml"), RuleTexts.bucketTagged("bucket-tagged", "HIGH"));
        reload.pollNow();

        assertThat(live.get().rule("bucket-tagged")).get().extracting(Rule::severity).isEqualTo(Severity.LOW);
    }
}
