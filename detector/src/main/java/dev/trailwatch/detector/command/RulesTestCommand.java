package dev.trailwatch.detector.command;

import dev.trailwatch.detector.command.RuleFileCheck.Checked;
import dev.trailwatch.detector.command.RuleFileCheck.Checks;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RuleCase;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.tuning.ExceptionEntry;
import dev.trailwatch.detector.tuning.TuningSet;
import dev.trailwatch.detector.tuning.TuningTests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trailwatch rules test PATH...}: loads rule files and tuning files as the detector would and runs each rule's
 * and each exception's inline test cases, one line per case with the reason of a failure. A file that does not load
 * fails too (its cases cannot run). Without a path, or with {@code --builtin}, the bundled rules are tested as well.
 * The cases of exceptions and overrides run through {@link TuningTests}: the rule makes the alert, the tuning of the
 * run judges it.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run the inline tests of rule files and of the exceptions in tuning files (and folders of "
                + "them): one PASS/FAIL line per case with the reason. Without PATH, or with --builtin, the bundled "
                + "rules too.",
                "Exit codes: 0 every case passed, 1 a case failed or a file does not load, 2 a path cannot be read."})
final class RulesTestCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "PATH",
            description = "Rule files, tuning files or folders (*.yml, *.yaml; tuning files also *.json).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--builtin", description = "Test the bundled rules as well (the default without PATH).")
    boolean builtin;

    @Option(names = "--for-topic", description = "The files go to the rules topic: a built-in rule's id replaces "
            + "it instead of clashing (see `rules lint --for-topic`); tuning files are checked as exceptions-topic "
            + "documents.")
    boolean forTopic;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Checks checks = paths.isEmpty() ? null : RuleFileCheck.checkAll(paths,
                forTopic ? RuleFileCheck.Target.TOPIC : RuleFileCheck.Target.RULES_DIR);
        Tally tally = new Tally();
        if (builtin || paths.isEmpty()) {
            RulePack.load(null).rules().forEach(rule -> run(rule, out, tally));
        }
        if (checks != null) {
            runAll(checks, out, tally, true);
        }
        out.println(tally.passed + tally.failed + " case(s): " + tally.passed + " passed, " + tally.failed + " failed"
                + (tally.broken == 0 ? "" : "; " + tally.broken + " problem(s) kept files from loading")
                + (tally.untested == 0 ? "" : "; " + tally.untested + " rule(s) without inline tests (Sigma)")
                + (tally.untestedExceptions == 0 ? "" : "; " + tally.untestedExceptions
                        + " exception(s) without inline tests"));
        out.flush();
        return tally.failed == 0 && tally.broken == 0 ? 0 : 1;
    }

    /**
     * The problems of every file that does not load, the cases of every rule file that does, then the cases of the
     * exceptions (only when every tuning file loads: their cases are judged by the tuning of the whole run).
     *
     * @param printProblems false when the lint report already printed the files' problems ({@code publish})
     */
    static void runAll(Checks checks, PrintWriter out, Tally tally, boolean printProblems) {
        for (Checked file : checks.rules()) {
            file.problems().forEach(problem -> {
                if (printProblems) {
                    out.println("FAIL  " + problem);
                }
                tally.broken++;
            });
            if (file.ok()) {
                file.rules().forEach(rule -> run(rule, out, tally));
            }
        }
        boolean tuningOk = true;
        for (TuningFileCheck.Checked file : checks.tuning()) {
            for (String problem : file.problems()) {
                if (printProblems) {
                    out.println("FAIL  " + problem);
                }
                tally.broken++;
                tuningOk = false;
            }
        }
        if (!tuningOk) {
            if (checks.tuning().stream().anyMatch(file -> file.set() != null && (file.set().exceptions().stream()
                    .anyMatch(e -> !e.tests().isEmpty()) || file.set().overrides().stream()
                    .anyMatch(o -> !o.tests().isEmpty())))) {
                out.println("--    the tuning files' cases did not run: they are judged by the tuning of all the files"
                        + " together, which does not load");
            }
            return;
        }
        TuningSet tuning = checks.tuningSet();
        for (ExceptionEntry exception : tuning.exceptions()) {
            if (exception.tests().isEmpty()) {
                out.println("--    exception " + exception.id() + ": no inline tests (" + exception.source() + ")");
                tally.untestedExceptions++;
            }
        }
        for (TuningTests.Outcome outcome : new TuningTests(tuning, checks.watchList(), checks.stateful(),
                Instant.now()).run()) {
            if (outcome.passed()) {
                out.println("PASS  " + outcome.entry() + ": " + outcome.test().name());
                tally.passed++;
            } else {
                out.println("FAIL  " + outcome.entry() + ": " + outcome.failure().get() + " (" + outcome.source()
                        + ")");
                tally.failed++;
            }
        }
    }

    /** Runs every case of one rule; a rule with none (Sigma) is listed as untested. */
    static void run(Rule rule, PrintWriter out, Tally tally) {
        if (rule.tests().isEmpty()) {
            out.println("--    " + rule.id() + ": no inline tests (" + rule.source() + ")");
            tally.untested++;
            return;
        }
        for (RuleCase test : rule.tests()) {
            Optional<String> problem = check(rule, test);
            if (problem.isEmpty()) {
                out.println("PASS  " + rule.id() + ": " + test.name());
                tally.passed++;
            } else {
                out.println("FAIL  " + rule.id() + ": " + problem.get() + " (" + rule.source() + ")");
                tally.failed++;
            }
        }
    }

    /** The case's verdict, plus that a matching case renders its alert text (a template error shows here). */
    private static Optional<String> check(Rule rule, RuleCase test) {
        Optional<String> problem = test.check(rule);
        if (problem.isPresent() || !test.expect()) {
            return problem;
        }
        try {
            rule.renderTitle(test.event());
            rule.renderDescription(test.event());
            rule.evidence(test.event());
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("test '" + test.name() + "': the alert cannot be rendered: " + e.getMessage());
        }
    }

    /** Counts for the summary line. */
    static final class Tally {
        int passed;
        int failed;
        int broken;
        int untested;
        int untestedExceptions;
    }
}
