package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TrailWatchApp;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwatch run} as a process, stopped the way Kubernetes (SIGTERM) and a user (Ctrl-C, SIGINT) stop it: it
 * closes cleanly and exits 0, as documented, not 143 / 130. Its normal start logs no warning.
 */
class CleanStopIT {

    static EmbeddedKafka kafka;
    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void exitsZeroOnSigtermAndOnCtrlC() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            Path log = dir.resolve("run-" + signal + ".log");
            int port = freePort();
            Process run = start(log, port);
            try {
                awaitReady(run, port, log);
                new ProcessBuilder("kill", "-" + signal, Long.toString(run.pid())).start().waitFor();
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
                String output = Files.readString(log);
                assertThat(run.exitValue()).as(output).isZero();
                assertThat(output).contains("SIG" + signal + " received: stopping cleanly");
                assertThat(output.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")))
                        .as("warnings or errors on a normal start and stop").isEmpty();
            } finally {
                run.destroyForcibly();
            }
        }
    }

    private Process start(Path log, int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // This test's folders live in the OS temp dir; the child gets a temp dir of its own, as a server would.
        Path childTemp = Files.createDirectories(dir.resolve("child-tmp"));
        ProcessBuilder builder = new ProcessBuilder(java, "-Djava.io.tmpdir=" + childTemp,
                "-cp", System.getProperty("java.class.path"),
                TrailWatchApp.class.getName(), "run", "--create-topics", "--replication-factor", "1",
                "-D", "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-D", "metrics.host=127.0.0.1", "-D", "metrics.port=" + port,
                "-D", "application.id=clean-stop-" + port, "-D", "topic.partitions=1")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The state directory defaults to a durable folder: here, under this test's own folder.
        builder.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("TRAILWATCH_") || name.startsWith("KAFKA_"));
        return builder.start();
    }

    private static void awaitReady(Process run, int port, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build();
        Awaitility.await("/ready of " + log).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    assertThat(run.isAlive()).as(() -> read(log)).isTrue();
                    return http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                });
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
