package dev.trailwatch.detector.command;

import dev.trailwatch.detector.command.RuleFileCheck.Checked;
import dev.trailwatch.detector.command.RuleFileCheck.Checks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trailwatch rules lint PATH...}: every check the detector makes when it loads a rule file, without running the
 * rule's tests: YAML, unknown keys, required fields, ids (format, file name, duplicates, built-in ids), filter
 * patterns, named matchers, templates; Sigma files as the detector compiles them; tuning files (exceptions,
 * overrides) as the detector loads {@code tuning.dir} or, with {@code --for-topic}, a document of the exceptions
 * topic.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = {"Check rule files and tuning files (and folders of them) the way the detector loads them, "
                + "without running their tests: YAML, unknown keys, ids and duplicate ids (also against the built-in "
                + "rules), filter patterns, matchers; tuning files' owners, reasons, expiry, CIDRs and rule ids.",
                "Exit codes: 0 no problem, 1 problems found (one line each), 2 a path cannot be read."})
final class RulesLintCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "Rule files, tuning files or folders (*.yml, *.yaml; tuning files also *.json).")
    List<Path> paths;

    @Option(names = "--for-topic", description = "Check for the topics (`rules publish`): a built-in rule's id "
            + "is a replacement, not a clash; Sigma files are refused (the topic takes TrailWatch rule files); tuning "
            + "files as exceptions-topic documents (no threshold or window overrides, unique document names).")
    boolean forTopic;

    @Override
    public Integer call() {
        Checks checks = RuleFileCheck.checkAll(paths,
                forTopic ? RuleFileCheck.Target.TOPIC : RuleFileCheck.Target.RULES_DIR);
        return report(checks, spec.commandLine().getOut()) ? 0 : 1;
    }

    /** One line per file (and per problem, per note); a summary; true when no file has a problem. */
    static boolean report(Checks checks, PrintWriter out) {
        int files = checks.rules().size() + checks.tuning().size();
        long bad = checks.rules().stream().filter(c -> !c.ok()).count()
                + checks.tuning().stream().filter(c -> !c.ok()).count();
        for (Checked file : checks.rules()) {
            if (file.ok()) {
                out.println("ok    " + file.file().location() + " " + file.rules().stream()
                        .map(r -> r.id()).toList());
            }
            file.problems().forEach(problem -> out.println("FAIL  " + problem));
            file.notes().forEach(note -> out.println("note  " + note));
        }
        for (TuningFileCheck.Checked file : checks.tuning()) {
            if (file.ok()) {
                out.println("ok    " + file.file().location() + " " + file.summary());
            }
            file.problems().forEach(problem -> out.println("FAIL  " + problem));
            file.notes().forEach(note -> out.println("note  " + note));
        }
        out.println(files + " file(s): " + (files - bad) + " ok, " + bad + " with problems");
        out.flush();
        return bad == 0;
    }
}
