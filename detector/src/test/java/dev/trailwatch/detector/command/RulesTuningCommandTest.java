package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.RuleTexts;
import dev.trailwatch.detector.TrailWatchApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trailwatch rules lint / test / publish} on tuning files (exceptions and overrides) as a SOC's detection
 * repository's CI runs them: the detector's own checks with the file and entry of each problem, the exceptions'
 * inline cases judged by the rule's real alert and the tuning of the run, and publishing to the exceptions topic only
 * when all of it passes.
 */
class RulesTuningCommandTest {

    /** The fixture: an exception with an inline record, a record file and a pinned time; one on a stateful rule. */
    private static final Path FIXTURE = Path.of("src/test/resources/tuning-cli");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private String migration;

    @BeforeEach
    void copyFixture() throws IOException {
        migration = Files.readString(FIXTURE.resolve("trail-migration.yml"));
        Files.createDirectories(dir.resolve("events"));
        Files.copy(FIXTURE.resolve("events/stolen-session-stoplogging.json"),
                dir.resolve("events/stolen-session-stoplogging.json"));
    }

    @Test
    void theDocumentedExampleRepositoryPassesLintForTheTopicAndItsTests() {
        Path example = Path.of("..", "docs", "examples", "detection-repo");

        assertThat(run("rules", "lint", "--for-topic", example.toString())).isZero();
        assertThat(run("rules", "test", "--for-topic", example.toString())).isZero();
        assertThat(out.toString())
                .contains("PASS  exception terraform-trail-migration: the pipeline deletes the old trail")
                .contains("PASS  exception terraform-trail-migration: the same role used from the internet still"
                        + " alerts")
                .contains("PASS  exception sandbox-region-trials: the sandbox tries ap-southeast-2")
                .contains("PASS  override sandbox-regions-low: a sandbox account's first use of sa-east-1 is LOW")
                .contains("PASS  override build-account-console-logins-off: a console login in the build account is"
                        + " not written")
                .contains("9 case(s): 9 passed, 0 failed");
    }

    @Test
    void anOverridesCasesSayWhatTheTuningDidInstead() throws IOException {
        Path example = Path.of("..", "docs", "examples", "detection-repo", "tuning", "sandbox-severity.yml");
        write("sandbox-severity.yml", Files.readString(example).replace("ou-sand-*", "ou-sandbox-*")
                .replace("accounts: [\"777788889999\"]", "accounts: [\"111122223333\"]"));

        assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  override sandbox-regions-low: test 'a sandbox account's first use of sa-east-1 is"
                        + " LOW': expected rule first-region-use's alert (principal"
                        + " arn:aws:sts::444455556666:assumed-role/sandbox-admin/alice, account 444455556666, at ")
                .contains(") to be written at LOW, but it is written at MEDIUM (the rule's own); this override is for"
                        + " OUs [ou-sandbox-*], not account 444455556666 in OU ou-sand-4f2kq1x9")
                .contains("FAIL  override build-account-console-logins-off: test 'a console login in the build account"
                        + " is not written': expected rule console-login's alert")
                .contains("FAIL  override build-account-console-logins-off: test 'a console login in production still"
                        + " is': expected rule console-login's alert")
                .contains("to be written, but override build-account-console-logins-off (" + dir.resolve(
                        "sandbox-severity.yml") + ") disables rule console-login (accounts [111122223333])")
                .contains("PASS  override sandbox-regions-low: a production account's first use of sa-east-1 stays"
                        + " MEDIUM");
    }

    @Test
    void lintRecognisesTuningFilesNextToRuleFilesAndLeavesRecordFilesAlone() throws IOException {
        write("trail-migration.yml", migration);
        write("bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));
        write("scanner.json", """
                {"exceptions": [{"id": "scanner-range", "reason": "external scanner", "owner": "vuln-management",
                                 "rules": "all", "when": {"sourceIp": "64.39.96.0/20"}}]}""");

        assertThat(run("rules", "lint", dir.toString())).isZero();
        assertThat(out.toString())
                .contains("ok    " + dir.resolve("bucket-tagged.yml") + " [bucket-tagged]")
                .contains("ok    " + dir.resolve("trail-migration.yml")
                        + " [exceptions: sandbox-region-trials, terraform-trail-migration]")
                .contains("ok    " + dir.resolve("scanner.json") + " [exceptions: scanner-range]")
                .doesNotContain("stolen-session-stoplogging")
                .contains("3 file(s): 3 ok, 0 with problems");
    }

    @Test
    void lintReportsEveryProblemOfATuningFileWithItsEntry() throws IOException {
        write("bad.yml", """
                exceptions:
                  - id: no-owner
                    reason: nobody answers for this
                    rule: cloudtrail-logging-stopped
                    when: {sourceIp: 10.0.0.0/33}
                  - id: typo-rule
                    reason: a rule that does not exist
                    owner: soc
                    rule: cloudtrail-loging-stopped
                    when: {role: deploy}
                  - id: wrong-case
                    reason: a case for a rule it does not cover
                    owner: soc
                    rule: console-login
                    when: {role: deploy}
                    tests:
                      - name: wrong rule
                        rule: cloudtrail-logging-stopped
                        excepted: true
                        alert: {principal: "arn:aws:sts::111122223333:assumed-role/deploy/x"}
                      - name: misspelt
                        excepted: false
                        alert: {principal: "x"}
                        evnt: {}
                """);
        write("trail-migration.yml", migration);
        write("other/dupe.yml", """
                overrides:
                  - id: terraform-trail-migration
                    reason: same id as an exception elsewhere
                    owner: soc
                    rule: console-login
                    disabled: true
                """);

        assertThat(run("rules", "lint", dir.toString())).isEqualTo(1);
        String bad = dir.resolve("bad.yml").toString();
        assertThat(out.toString())
                .contains("FAIL  " + bad + ": exceptions[0] (id no-owner): 'owner' is missing")
                .contains("FAIL  " + bad + ": exceptions[0] (id no-owner): 'when.sourceIp': '10.0.0.0/33' is not an"
                        + " IP address or CIDR block")
                .contains("FAIL  " + bad + ": exceptions[2] (id wrong-case): tests[0] ('wrong rule'): expects rule"
                        + " cloudtrail-logging-stopped's alert to be excepted, but this exception covers only"
                        + " console-login: it cannot pass")
                .contains("FAIL  " + bad + ": exceptions[2] (id wrong-case): unknown key 'tests[1] ('misspelt').evnt'")
                .contains("FAIL  " + dir.resolve("other/dupe.yml") + ": override terraform-trail-migration: duplicate"
                        + " id 'terraform-trail-migration' (also in " + dir.resolve("trail-migration.yml") + ")")
                .contains("3 file(s): 1 ok, 2 with problems");

        write("bad.yml", migration.replace("rule: cloudtrail-logging-stopped", "rule: cloudtrail-loging-stopped"));
        Files.delete(dir.resolve("other/dupe.yml"));
        assertThat(run("rules", "lint", dir.resolve("bad.yml").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  " + bad + ": exception terraform-trail-migration: unknown rule id"
                + " 'cloudtrail-loging-stopped'");
    }

    @Test
    void aRuleFileOfTheSameRunMakesItsIdKnownToTheTuning() throws IOException {
        Path tuning = write("tuning/tag-audit.yml", """
                exceptions:
                  - id: tag-audit-job
                    reason: the tag audit job reads every bucket's tags
                    owner: secops
                    rule: bucket-tagged
                    when: {principal: "*:user/tag-audit"}
                """);
        assertThat(run("rules", "lint", tuning.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("unknown rule id 'bucket-tagged'");

        Path rule = write("rules/bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));
        assertThat(run("rules", "lint", rule.toString(), tuning.toString())).isZero();
    }

    @Test
    void aSigmaCorrelationOfTheRunIsAStatefulRuleItsCasesGiveAsAnAlert() throws IOException {
        Files.copy(Path.of("src/test/resources/rules-sigma-correlations/console_failures.yml"),
                Files.createDirectories(dir.resolve("sigma")).resolve("console_failures.yml"));
        Path tuning = write("tuning/scanner.yml", """
                exceptions:
                  - id: scanner-console-probes
                    reason: the external scanner fails console logins on purpose (contract 2026-114)
                    owner: vuln-management
                    rule: sigma-console-failures-console-failures-by-ip
                    when: {sourceIp: 64.39.96.0/20}
                    tests:
                      - name: the scanner's burst
                        excepted: true
                        alert: {sourceIp: 64.39.100.7, account: "111122223333", eventName: ConsoleLogin}
                      - name: a burst from elsewhere
                        excepted: false
                        alert: {sourceIp: 198.51.100.9, account: "111122223333", eventName: ConsoleLogin}
                """);
        assertThat(run("rules", "lint", tuning.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("unknown rule id 'sigma-console-failures-console-failures-by-ip'");

        assertThat(run("rules", "test", dir.resolve("sigma").toString(), tuning.toString())).isZero();
        assertThat(out.toString()).contains("PASS  exception scanner-console-probes: the scanner's burst")
                .contains("PASS  exception scanner-console-probes: a burst from elsewhere");
    }

    @Test
    void aMissingEventFileFailsItsCaseNamingTheFile() throws IOException {
        write("trail-migration.yml", migration.replace("events/stolen-session-stoplogging.json",
                "events/missing.json"));

        assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  exception terraform-trail-migration: test 'the same role used from"
                + " the internet still alerts': eventFile " + dir.resolve("events/missing.json").toAbsolutePath()
                + ": no such file (paths are relative to the tuning file)");
    }

    @Test
    void lintForTheTopicRefusesThresholdsAndTwoFilesWithOneDocumentName() throws IOException {
        write("a/office.yml", """
                overrides:
                  - id: office-nat-logins
                    reason: the whole office signs in through one NAT address
                    owner: soc
                    rule: failed-console-login-burst
                    settings: {threshold: 20}
                """);
        assertThat(run("rules", "lint", dir.resolve("a").toString())).as("fine in tuning.dir").isZero();

        write("b/office.json", "{\"overrides\": [{\"id\": \"sandbox-low\", \"reason\": \"sandboxes\", \"owner\":"
                + " \"soc\", \"rule\": \"first-region-use\", \"severity\": \"LOW\", \"ous\": [\"ou-sand-*\"]}]}");
        assertThat(run("rules", "lint", "--for-topic", dir.toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  " + dir.resolve("a/office.yml") + ": threshold and window overrides"
                        + " (burst.failed-login.threshold) are read at start only")
                .contains("FAIL  " + dir.resolve("b/office.json") + ": document name 'office' is also the name of "
                        + dir.resolve("a/office.yml"));
    }

    @Test
    void testRunsTheExceptionsCasesThroughTheRulesRealAlerts() throws IOException {
        write("trail-migration.yml", migration);

        assertThat(run("rules", "test", dir.toString())).isZero();
        assertThat(out.toString())
                .contains("PASS  exception terraform-trail-migration: the pipeline deletes the old trail")
                .contains("PASS  exception terraform-trail-migration: the same role used from the internet still"
                        + " alerts")
                .contains("PASS  exception terraform-trail-migration: after the change window the pipeline's own"
                        + " call alerts again")
                .contains("PASS  exception sandbox-region-trials: the sandbox tries ap-southeast-2")
                .contains("PASS  exception sandbox-region-trials: a first use of eu-north-1 in the sandbox still"
                        + " alerts")
                .contains("5 case(s): 5 passed, 0 failed")
                .doesNotContain("PASS  cloudtrail-logging-stopped:");
    }

    @Test
    void aTooBroadExceptionFailsItsAttackerCaseAndSaysWhichEntryExceptsIt() throws IOException {
        write("trail-migration.yml", migration.replace("      sourceIp: 10.20.0.0/16\n", "")
                .replace("expires: 2026-12-31", "expires: 2027-06-30"));

        assertThat(run("rules", "test", dir.resolve("trail-migration.yml").toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  exception terraform-trail-migration: test 'the same role used from the internet still"
                        + " alerts': expected rule cloudtrail-logging-stopped's alert (principal"
                        + " arn:aws:sts::111122223333:assumed-role/terraform-deploy/ci-42, account 111122223333, at"
                        + " 2026-11-03T11:14:09Z) to be written, but this exception excepts it (when: role"
                        + " terraform-deploy)")
                .contains("FAIL  exception terraform-trail-migration: test 'after the change window the pipeline's own"
                        + " call alerts again'")
                .contains("5 case(s): 3 passed, 2 failed");
    }

    @Test
    void aTooNarrowExceptionFailsItsAutomationCaseAndNamesTheMatcherThatDoesNotHold() throws IOException {
        write("trail-migration.yml", migration.replace("sourceIp: 10.20.0.0/16", "sourceIp: 10.30.0.0/16"));

        assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  exception terraform-trail-migration: test 'the pipeline deletes the"
                + " old trail': expected rule cloudtrail-logging-stopped's alert (principal"
                + " arn:aws:sts::111122223333:assumed-role/terraform-deploy/ci-42, account 111122223333, at"
                + " 2026-11-03T10:01:37Z) to be excepted, but this exception does not apply: sourceIp '10.20.3.4' is"
                + " in none of [10.30.0.0/16]");
    }

    @Test
    void anExpiredExceptionNeverExcepts() throws IOException {
        write("trail-migration.yml", migration.replace("expires: 2026-12-31", "expires: 2026-11-02"));

        assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("test 'the pipeline deletes the old trail': expected rule"
                + " cloudtrail-logging-stopped's alert").contains("this exception does not apply: it expired at"
                + " 2026-11-03T00:00:00Z, before the alert's event time 2026-11-03T10:01:37Z");
    }

    @Test
    void aCaseOnARecordTheRuleDoesNotAlertOnOrOnAStatefulRuleWithARecordFails() throws IOException {
        write("trail-migration.yml", migration.replace("eventName: DeleteTrail", "eventName: DescribeTrails")
                .replace("        alert:\n"
                        + "          principal: arn:aws:sts::444455556666:assumed-role/sandbox-admin/alice\n"
                        + "          account: \"444455556666\"\n"
                        + "          region: ap-southeast-2\n", "        eventFile: events/stolen-session-stoplogging.json\n"
                        + "        ignored:\n"
                        + "          region: ap-southeast-2\n")
                .replace("        ignored:\n          region: ap-southeast-2\n          eventName: RunInstances\n"
                        + "          evidence: {newRegion: ap-southeast-2}\n", ""));
        assertThat(run("rules", "lint", dir.toString())).as("the shape is right: lint passes").isZero();

        assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  exception terraform-trail-migration: test 'the pipeline deletes the old trail': rule"
                        + " cloudtrail-logging-stopped raises no alert for this record")
                .contains("FAIL  exception sandbox-region-trials: test 'the sandbox tries ap-southeast-2':"
                        + " first-region-use is a stateful detection: no single record raises its alert; give the"
                        + " alert's fields with 'alert:'");
    }

    @Test
    void aDisablingOverrideOfTheRunFailsACaseThatExpectsTheAlertToGoOut() throws IOException {
        write("trail-migration.yml", migration);
        write("off.yml", """
                overrides:
                  - id: no-trail-alerts
                    reason: trails are managed by the organization
                    owner: soc
                    rule: cloudtrail-logging-stopped
                    disabled: true
                """);

        assertThat(run("rules", "test", dir.toString())).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  exception terraform-trail-migration: test 'the same role used from the internet still"
                        + " alerts': expected rule cloudtrail-logging-stopped's alert")
                .contains("to be written, but override no-trail-alerts (" + dir.resolve("off.yml")
                        + ") disables rule cloudtrail-logging-stopped (all accounts)")
                .contains("PASS  exception terraform-trail-migration: the pipeline deletes the old trail");
    }

    @Test
    void publishNeedsTheExceptionsTopicSetAndNamesTheSetting() throws IOException {
        write("trail-migration.yml", migration);

        assertThat(run("rules", "publish", "--dry-run", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("topic.exceptions is not set");
        assertThat(run("rules", "publish", "--dry-run", "--delete-exceptions", "trail-migration")).isEqualTo(2);
        assertThat(err.toString()).contains("topic.exceptions is not set");
    }

    @Test
    void publishDryRunNamesTheDocumentsAndTombstonesItWouldWrite() throws IOException {
        write("trail-migration.yml", migration);
        write("rules/bucket-tagged.yml", RuleTexts.bucketTagged("bucket-tagged", "MEDIUM"));

        assertThat(run("rules", "publish", "--dry-run", "-D", "topic.exceptions=soc.exceptions", dir.toString(),
                "--delete-exceptions", "old-scanner")).isZero();
        assertThat(out.toString())
                .contains("PASS  exception terraform-trail-migration: the pipeline deletes the old trail")
                .contains("would publish bucket-tagged to trailwatch.rules")
                .contains("would publish tuning document trail-migration to soc.exceptions")
                .contains("would delete tuning document old-scanner to soc.exceptions");

        assertThat(run("rules", "publish", "--dry-run", "-D", "topic.exceptions=soc.exceptions", dir.toString(),
                "--delete-exceptions", "trail-migration")).isEqualTo(2);
        assertThat(err.toString()).contains("--delete-exceptions trail-migration: the same run also publishes it");
    }

    @Test
    void publishWritesNothingWhenAnExceptionsCaseFails() throws IOException {
        write("trail-migration.yml", migration.replace("      sourceIp: 10.20.0.0/16\n", ""));

        assertThat(run("rules", "publish", "-D", "topic.exceptions=soc.exceptions", dir.toString(),
                "--bootstrap-server", "127.0.0.1:1")).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  exception terraform-trail-migration: test 'the same role used from"
                + " the internet still alerts'").contains("nothing published");
        assertThat(err.toString()).doesNotContain("cannot reach Kafka");
    }

    @Test
    void publishRefusesThresholdOverridesForTheTopic() throws IOException {
        write("office.yml", """
                overrides:
                  - id: office-nat-logins
                    reason: the whole office signs in through one NAT address
                    owner: soc
                    rule: failed-console-login-burst
                    settings: {threshold: 20}
                """);

        assertThat(run("rules", "publish", "--dry-run", "-D", "topic.exceptions=soc.exceptions", dir.toString()))
                .isEqualTo(1);
        assertThat(out.toString()).contains("are read at start only").contains("nothing published");
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
