package dev.trailwatch.detector.command;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code trailwatch rules}: what the CI of a detection repository runs before rules and tuning (exceptions,
 * overrides) reach the detector.
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = {"Check, test and publish watch-list rule files and tuning files (docs/rules-cli.md, "
                + "docs/tuning.md).",
                "Exit codes: 0 all good, 1 a file has a problem or a test case fails (nothing published), "
                        + "2 a path cannot be read, bad arguments or settings; publish: 1 Kafka out of reach."},
        subcommands = {RulesLintCommand.class, RulesTestCommand.class, RulesPublishCommand.class})
public final class RulesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
