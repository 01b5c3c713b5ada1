package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TrailWatchApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code trailwatch demo --once}: the newcomer's first command, on a real in-process broker with the bundled data. */
class DemoCommandIT {

    @Test
    void printsAReadableLineForEachStepOfTheBundledAttackStory() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("demo", "--once", "--metrics-port", "0");

        String printed = out.toString();
        assertThat(exit).as(err.toString()).isZero();
        assertThat(printed).contains("Demo data done:").contains(" 0 rejected");
        assertThat(printed)
                .contains("cloudtrail-logging-stopped")
                .contains("root-console-login")
                .containsPattern("HIGH +security-group-changed")
                .containsPattern("HIGH +iam-access-key-created")
                .containsPattern("HIGH +failed-console-login-burst +account=111111111111 .*ip=203\\.0\\.113\\.66")
                .containsPattern("CRITICAL +console-bruteforce-success +account=111111111111 principal=\\S+user/bob")
                .containsPattern("MEDIUM +access-denied-burst +account=111111111111 principal=\\S+user/bob")
                .containsPattern("HIGH +foreign-account +account=111111111111 principal=arn:aws:sts::999999999999:")
                .containsPattern("MEDIUM +first-region-use +account=111111111111")
                .containsPattern("LOW +first-service-use +account=111111111111");
        assertThat(printed).containsPattern("HIGH +cloudtrail-logging-stopped +account=\\d{12} principal=arn:aws:");
    }
}
