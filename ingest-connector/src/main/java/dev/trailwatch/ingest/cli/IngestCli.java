package dev.trailwatch.ingest.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trailwatch-ingest files|s3|sqs}: the connector's sources without a Connect cluster, into Kafka. */
@Command(name = "trailwatch-ingest", mixinStandardHelpOptions = true, versionProvider = IngestCli.VersionProvider.class,
        description = "Reads CloudTrail records and writes them to Kafka (key recipientAccountId, timestamp eventTime, "
                + "value the record's bytes unchanged).",
        subcommands = {FilesCommand.class, S3Command.class, SqsCommand.class})
public final class IngestCli {

    /** Exit code for bad input (missing file, malformed location or option). */
    static final int BAD_INPUT = 2;
    /** Exit code for a failure while running (Kafka or AWS unreachable, access denied). */
    static final int FAILED = 1;

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "trailwatch-ingest-log4j2.properties");
        }
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new IngestCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    /** For embedding and tests: usage, errors and the summary line go to {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new IngestCli()).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
                .execute(args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = IngestCli.class.getPackage().getImplementationVersion();
            return new String[] {"trailwatch-ingest " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
