package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TrailWatchApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The detector CLI fails fast and says why: each mistake a user can make is reported with the setting to fix and the
 * documented exit code (1 runtime failure, 2 user error), before anything slow or expensive starts.
 */
class FailFastIT {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int trailwatch(String... args) {
        CommandLine cli = TrailWatchApp.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** A loopback port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Path config(String extra) throws IOException {
        Path file = dir.resolve("trailwatch.properties");
        Files.writeString(file, "kafka.bootstrap.servers = 127.0.0.1:" + closedPort() + "\n"
                + "kafka.state.dir = " + dir.resolve("state") + "\n"
                + "metrics.host = 127.0.0.1\nmetrics.port = 0\n" + extra);
        return file;
    }

    @Test
    void reportsAnUnreachableBrokerWithin15SecondsNamingTheServersAndWhatWasTried() throws IOException {
        Path config = config("");
        String servers = Files.readAllLines(config).get(0).split("=")[1].trim();

        long start = System.nanoTime();
        int code = trailwatch("run", "--config", config.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf("MEASURED unreachable broker reported after %d ms%n", took.toMillis());
        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(err.toString()).startsWith("trailwatch: cannot reach Kafka at " + servers)
                .contains("(kafka.bootstrap.servers)").contains("connection refused")
                .doesNotContain("Exception").doesNotContain("listTopics");
    }

    @Test
    void rejectsABadRuleFileWithExit2NamingFileAndLineBeforeConnecting() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("my-rule.yml"), """
                id: my-rule
                title: "unclosed
                  severity: HIGH
                """);

        long start = System.nanoTime();
        int code = trailwatch("run", "--config", config("rules.dir = " + rules + "\n").toString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(took).as("no connection attempt").isLessThan(Duration.ofSeconds(5));
        assertThat(err.toString()).startsWith("trailwatch: " + rules.resolve("my-rule.yml")).contains("line")
                .doesNotContain("Exception").doesNotContain("com.fasterxml").doesNotContain("Kafka");
    }

    @Test
    void scanAndDemoRejectABadRuleFileBeforeStartingABroker() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("my-rule.yml"), "id: my-rule\ntitle: \"unclosed\n");
        Path input = Files.writeString(dir.resolve("trail.json"), "{\"Records\": []}");

        for (String[] args : List.of(new String[] {"scan", "-D", "rules.dir=" + rules, input.toString()},
                new String[] {"demo", "--once", "-D", "rules.dir=" + rules, "--metrics-port", "0"})) {
            err.getBuffer().setLength(0);
            long start = System.nanoTime();
            int code = trailwatch(args);

            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(err.toString()).startsWith("trailwatch: " + rules.resolve("my-rule.yml")).contains("line");
            assertThat(out.toString()).doesNotContain("starting an in-process Kafka broker");
        }
    }

    @Test
    void namesThePortAndTheSettingWhenTheMetricsPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            long start = System.nanoTime();
            int code = trailwatch("run", "--config", config("").toString(), "-D", "metrics.port=" + port);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(took).as("no connection attempt").isLessThan(Duration.ofSeconds(5));
            assertThat(err.toString()).contains("port " + port + " is already in use").contains("metrics.port");
        }
    }

    @Test
    void demoNamesItsPortOptionWhenThePortIsTakenBeforeStartingABroker() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            long start = System.nanoTime();
            int code = trailwatch("demo", "--once", "-D", "metrics.host=127.0.0.1", "--metrics-port",
                    Integer.toString(port));

            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(err.toString()).contains("port " + port + " is already in use").contains("--metrics-port");
            assertThat(out.toString()).doesNotContain("starting an in-process Kafka broker");
        }
    }

    @Test
    void rejectsAnUnknownSettingWithExit2() throws IOException {
        int code = trailwatch("run", "--config", config("supression.window = 1h\n").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown setting 'supression.window'");
    }

    @Test
    void scanIntoAMissingFolderIsAUserError() throws IOException {
        Path input = Files.writeString(dir.resolve("trail.json"), "{\"Records\": []}");
        Path target = dir.resolve("no-such-folder").resolve("alerts.jsonl");

        long start = System.nanoTime();
        int code = trailwatch("scan", "--out", target.toString(), input.toString());

        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(err.toString()).isEqualTo("trailwatch: --out " + target + ": the folder " + target.getParent()
                + " does not exist" + System.lineSeparator());
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsAUserError() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        int code = trailwatch("run", "--config", config("").toString(), "-D",
                "kafka.state.dir=" + file.resolve("state"));

        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("kafka.state.dir").contains(file.resolve("state").toString());
    }
}
