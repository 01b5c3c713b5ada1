package dev.trailwatch.detector;

import dev.trailwatch.detector.bench.BenchCommand;
import dev.trailwatch.detector.command.DemoCommand;
import dev.trailwatch.detector.command.RulesCommand;
import dev.trailwatch.detector.command.RunCommand;
import dev.trailwatch.detector.command.ScanCommand;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.rules.RuleLoadException;
import dev.trailwatch.ingest.launch.KafkaCheckFailed;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trailwatch} command: {@code demo}, {@code run}, {@code scan}, {@code rules} and {@code bench}. */
@Command(name = "trailwatch", mixinStandardHelpOptions = true, version = "TrailWatch 0.1.0",
        description = "Real-time AWS CloudTrail threat detection on Kafka Streams.",
        subcommands = {DemoCommand.class, RunCommand.class, ScanCommand.class, RulesCommand.class,
                BenchCommand.class})
public final class TrailWatchApp implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with TrailWatch's error handling: a clear one-line message and exit code 1 or 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new TrailWatchApp()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException
                    || e instanceof RuleLoadException) {
                cmd.getErr().println("trailwatch: " + e.getMessage());
                return 2;
            }
            if (e instanceof KafkaCheckFailed kafka) {
                cmd.getErr().println("trailwatch: " + kafka.getMessage());
                return kafka.exitCode();
            }
            cmd.getErr().println("trailwatch: " + describe(e));
            return 1;
        });
    }

    /** A failure in words: each distinct message down the cause chain, a class name only where there is none. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
