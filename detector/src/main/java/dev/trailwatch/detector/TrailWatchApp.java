package dev.trailwatch.detector;

import dev.trailwatch.detector.bench.BenchCommand;
import dev.trailwatch.detector.command.DemoCommand;
import dev.trailwatch.detector.command.RunCommand;
import dev.trailwatch.detector.command.ScanCommand;
import dev.trailwatch.detector.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trailwatch} command: {@code demo}, {@code run}, {@code scan} and {@code bench}. */
@Command(name = "trailwatch", mixinStandardHelpOptions = true, version = "TrailWatch 0.1.0",
        description = "Real-time AWS CloudTrail threat detection on Kafka Streams.",
        subcommands = {DemoCommand.class, RunCommand.class, ScanCommand.class, BenchCommand.class})
public final class TrailWatchApp implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with TrailWatch's error handling: a clear one-line message and exit code 1 or 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new TrailWatchApp()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("trailwatch: " + e.getMessage());
                return 2;
            }
            cmd.getErr().println("trailwatch: " + e);
            return 1;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
