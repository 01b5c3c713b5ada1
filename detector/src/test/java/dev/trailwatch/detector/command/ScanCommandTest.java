package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TrailWatchApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code scan}'s own options, as a user meets them on the command line (the scans themselves: the ITs). */
class ScanCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "-4", "49", "1000", "eight", "8.5", ""})
    void aNumberOfS3ObjectsAtATimeOutsideOneToFortyEightIsAUsageErrorThatSaysWhatItTakes(String value) {
        StringWriter err = new StringWriter();
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("scan", "--s3-concurrency", value, "s3://org-trail-logs/AWSLogs/");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("trailwatch: --s3-concurrency '" + value
                + "' is not a whole number from 1 to 24 (S3 objects read at a time; default 24)");
    }
}
