package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.RuleTexts;
import dev.trailwatch.detector.TrailWatchApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trailwatch rules lint / test / publish} as a detection repository's CI runs them: one line per file or case
 * with the reason, and the exit code CI acts on (0 good, 1 a problem in the rules, 2 a path or argument to fix).
 */
class RulesCommandTest {

    private static final String SIGMA = """
            title: Bucket tags read
            id: 6f1e0a52-3c4b-4c8e-9a55-0d5b1d0e2a11
            status: experimental
            logsource:
              product: aws
              service: cloudtrail
            detection:
              selection:
                eventSource: s3.amazonaws.com
                eventName: GetBucketTagging
              condition: selection
            level: low
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void lintPassesAGoodFolderAndListsEachFileWithItsRuleIds() throws IOException {
        write("bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));
        write("sigma/bucket-tags-read.yml", SIGMA);

        assertThat(run("rules", "lint", dir.toString())).isZero();
        assertThat(out.toString()).contains("ok    " + dir.resolve("bucket-tagged.yml") + " [bucket-tagged]")
                .contains("ok    " + dir.resolve("sigma/bucket-tags-read.yml") + " [sigma-bucket-tags-read]")
                .contains("2 file(s): 2 ok, 0 with problems");
    }

    @Test
    void lintReportsEveryProblemWithItsFileAndExitsOne() throws IOException {
        write("a/unknown-key.yml", RuleTexts.unknownKey("unknown-key"));
        write("a/bad-pattern.yml", RuleTexts.badPattern("bad-pattern"));
        write("a/twice.yml", RuleTexts.bucketTagged("twice", "LOW"));
        write("b/twice.yml", RuleTexts.bucketTagged("twice", "LOW"));
        write("cloudtrail-logging-stopped.yml", RuleTexts.bucketTagged("cloudtrail-logging-stopped", "LOW"));

        assertThat(run("rules", "lint", dir.toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  " + dir.resolve("a/unknown-key.yml") + ": unknown key 'severty' at line 5")
                .contains("FAIL  " + dir.resolve("a/bad-pattern.yml") + ": condition, column")
                .contains("FAIL  " + dir.resolve("b/twice.yml") + ": duplicate rule id 'twice' (also in "
                        + dir.resolve("a/twice.yml") + ")")
                .contains("rule id 'cloudtrail-logging-stopped' is the id of a built-in rule")
                .contains("5 file(s): 1 ok, 4 with problems");
    }

    @Test
    void lintForTheTopicTakesABuiltInIdAsAReplacementAndSigmaAsTheDetectorDoes() throws IOException {
        write("cloudtrail-logging-stopped.yml", RuleTexts.bucketTagged("cloudtrail-logging-stopped", "LOW"));
        assertThat(run("rules", "lint", "--for-topic", dir.toString())).isZero();
        assertThat(out.toString()).contains("note  " + dir.resolve("cloudtrail-logging-stopped.yml")
                + ": replaces the built-in rule 'cloudtrail-logging-stopped'");

        write("bucket-tags-read.yml", SIGMA);
        assertThat(run("rules", "lint", "--for-topic", dir.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("ok    " + dir.resolve("bucket-tags-read.yml"));

        write("bucket-tags-sweep.yml", """
                title: Bucket tags read again and again
                id: 0a7d2c1e-5b9f-4e63-8d2a-1f4c3b5e6a70
                correlation:
                  type: event_count
                  rules:
                    - 6f1e0a52-3c4b-4c8e-9a55-0d5b1d0e2a11
                  group-by:
                    - userIdentity.arn
                  timespan: 10m
                  condition:
                    gte: 5
                level: medium
                """);
        assertThat(run("rules", "lint", "--for-topic", dir.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("on the rules topic: key 'sigma-bucket-tags-sweep': a Sigma correlation");
    }

    @Test
    void aPathThatCannotBeReadExitsTwo() throws IOException {
        assertThat(run("rules", "lint", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains(dir.resolve("missing") + ": no such file or folder");

        Files.createDirectories(dir.resolve("empty"));
        assertThat(run("rules", "test", dir.resolve("empty").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no rule files (*.yml, *.yaml) or tuning files (also *.json) in this folder");
    }

    @Test
    void testPrintsOneLinePerCaseAndPassesGoodRules() throws IOException {
        Path file = write("bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));

        assertThat(run("rules", "test", file.toString())).isZero();
        assertThat(out.toString()).contains("PASS  bucket-tagged: production bucket tagged")
                .contains("PASS  bucket-tagged: test bucket tagged").contains("2 case(s): 2 passed, 0 failed");
    }

    @Test
    void testFailsOnACaseTheRuleDisagreesWithAndSaysWhy() throws IOException {
        write("bucket-tagged.yml", RuleTexts.failingTests("bucket-tagged"));
        write("broken.yml", RuleTexts.notYaml());

        assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  bucket-tagged: test 'production bucket tagged': expected a match but the rule did "
                        + "not match")
                .contains("FAIL  bucket-tagged: test 'test bucket tagged': expected no match but the rule matched")
                .contains("FAIL  " + dir.resolve("broken.yml") + ":")
                .contains("2 case(s): 0 passed, 2 failed; 1 problem(s) kept files from loading");
    }

    @Test
    void testWithoutAPathRunsTheBundledRules() {
        assertThat(run("rules", "test")).isZero();
        assertThat(out.toString()).contains("PASS  cloudtrail-logging-stopped: ").contains(" 0 failed");
    }

    @Test
    void publishChecksFirstAndWritesNothingWhenARuleFails() throws IOException {
        write("bucket-tagged.yml", RuleTexts.failingTests("bucket-tagged"));

        assertThat(run("rules", "publish", dir.toString(), "--bootstrap-server", "127.0.0.1:1")).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  bucket-tagged: test 'production bucket tagged'")
                .contains("nothing published");
    }

    @Test
    void publishDryRunNamesTheRecordsItWouldWrite() throws IOException {
        write("bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));

        assertThat(run("rules", "publish", "--dry-run", "-D", "topic.rules=soc.rules", dir.toString(),
                "--delete", "old-rule")).isZero();
        assertThat(out.toString()).contains("would publish bucket-tagged to soc.rules")
                .contains("would delete old-rule to soc.rules");
    }

    @Test
    void publishSaysWhenKafkaIsOutOfReachAndExitsOne() throws IOException {
        write("bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));

        assertThat(run("rules", "publish", dir.toString(), "--bootstrap-server", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach Kafka at 127.0.0.1:1 (--bootstrap-server)");
    }

    @Test
    void publishNeedsRulesOrADeleteAndAValidId() {
        assertThat(run("rules", "publish")).isEqualTo(2);
        assertThat(err.toString()).contains("give rule or tuning files (PATH), --delete ID or --delete-exceptions NAME");
        assertThat(run("rules", "publish", "--dry-run", "--delete", "Not An Id")).isEqualTo(2);
        assertThat(err.toString()).contains("--delete Not An Id: not a rule id");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
