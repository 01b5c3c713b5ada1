package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.config.DetectorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Kafka Streams app under test in a JVM of its own: the detector as it is deployed ({@code trailwatch run --config
 * FILE}), or the streams baseline ({@link BaselineApp}). Each gets the same JVM options and starts cold, so neither
 * inherits the bench JVM's compiled code, heap or garbage; the detector's peak RSS is its own (not the embedded
 * broker's), and its state gauges are read from its own {@code /metrics}.
 */
final class AppProcess implements AutoCloseable {

    /**
     * The command-line entry point, named rather than imported: the application imports the bench (its {@code bench}
     * command), and the bench must not import it back.
     */
    static final String TRAILWATCH_MAIN = "dev.trailwatch.detector.TrailWatchApp";

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private long peakRssKb;

    private AppProcess(Process process, Path log, int metricsPort) {
        this.process = process;
        this.log = log;
        this.metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
    }

    /** Starts {@code trailwatch run} on {@code config}, serving /metrics on {@code metricsPort}. */
    static AppProcess detector(DetectorConfig config, int metricsPort, List<String> jvmOptions, Path dir)
            throws IOException {
        Properties props = new Properties();
        props.putAll(config.asMap());
        props.put("metrics.port", Integer.toString(metricsPort));
        props.put("metrics.host", "127.0.0.1");
        Path file = write(props, dir.resolve("detector.properties"));
        return start(TRAILWATCH_MAIN, List.of("run", "--config", file.toString()), jvmOptions,
                dir.resolve("detector.log"), metricsPort);
    }

    /** Starts {@link BaselineApp} on {@code config}'s topics and Streams settings. */
    static AppProcess baseline(DetectorConfig config, List<String> jvmOptions, Path dir) throws IOException {
        Properties props = new Properties();
        props.putAll(config.asMap());
        Path file = write(props, dir.resolve("baseline.properties"));
        return start(BaselineApp.class.getName(), List.of(file.toString()), jvmOptions, dir.resolve("baseline.log"),
                0);
    }

    /** Starts {@code trailwatch scan ARGS} (the scan stage: the command as a user runs it, start to end). */
    static AppProcess scan(List<String> args, List<String> jvmOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("scan"));
        command.addAll(args);
        return start(TRAILWATCH_MAIN, command, jvmOptions, log, 0);
    }

    /** Waits for the process to exit, sampling its peak RSS; its exit code, or -1 when it was stopped at the timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
            sampleRss();
            if (System.nanoTime() > deadline) {
                close();
                return -1;
            }
        }
        return process.exitValue();
    }

    private static Path write(Properties props, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file)) {
            props.store(out, "trailwatch bench: the app under test");
        }
        return file;
    }

    /** Runs {@code main} with the same class path as this JVM, the given JVM options, and its output in {@code log}. */
    private static AppProcess start(String mainClass, List<String> args, List<String> jvmOptions, Path log,
                                    int metricsPort) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // settings come from the file alone: the bench's own environment must not reconfigure the app
        builder.environment().keySet().removeIf(k -> k.startsWith("TRAILWATCH_") || k.startsWith("KAFKA_"));
        return new AppProcess(builder.start(), log, metricsPort);
    }

    /** The metrics page as text (the state-store gauges go into the report), or empty when not served. */
    String scrape() {
        sampleRss();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics)
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The largest resident set the process had (the kernel's high-water mark), in MB. */
    long peakRssMb() {
        sampleRss();
        return peakRssKb / 1024;
    }

    /** The resident set now, in MB, or -1 when unknown. */
    long rssMb() {
        long kb = status("VmRSS:");
        return kb < 0 ? -1 : kb / 1024;
    }

    private void sampleRss() {
        peakRssKb = Math.max(peakRssKb, status("VmHWM:"));
    }

    private long status(String field) {
        return statusKb(Long.toString(process.pid()), field);
    }

    /** A kB figure ({@code VmRSS:}, {@code VmHWM:}) of /proc/PID/status; -1 once the process is gone, or off Linux. */
    static long statusKb(String pid, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", pid, "status"))) {
            return lines.filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** The last lines of the app's output, for an error message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the app as an operator would (SIGTERM, a clean Streams shutdown), forcibly after 30 s. */
    @Override
    public void close() {
        sampleRss();
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
