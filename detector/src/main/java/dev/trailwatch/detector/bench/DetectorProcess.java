package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.TrailWatchApp;
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
 * The detector as it is deployed, {@code trailwatch run --config FILE}, in a JVM of its own: its peak RSS is the
 * detector's alone (not the embedded broker's), and its state gauges are read from its own {@code /metrics}.
 */
final class DetectorProcess implements AutoCloseable {

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private long peakRssKb;

    private DetectorProcess(Process process, Path log, int metricsPort) {
        this.process = process;
        this.log = log;
        this.metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
    }

    /**
     * Writes {@code config} to {@code dir/detector.properties} and starts {@code trailwatch run} on it with the same
     * class path as this JVM, the given JVM options, and its output in {@code dir/detector.log}.
     */
    static DetectorProcess start(DetectorConfig config, int metricsPort, List<String> jvmOptions, Path dir)
            throws IOException {
        Path file = dir.resolve("detector.properties");
        Properties props = new Properties();
        props.putAll(config.asMap());
        props.put("metrics.port", Integer.toString(metricsPort));
        props.put("metrics.host", "127.0.0.1");
        try (Writer out = Files.newBufferedWriter(file)) {
            props.store(out, "trailwatch bench: the detector under test");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TrailWatchApp.class.getName());
        command.addAll(List.of("run", "--config", file.toString()));
        Path log = dir.resolve("detector.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // settings come from the file alone: the bench's own environment must not reconfigure the detector
        builder.environment().keySet().removeIf(k -> k.startsWith("TRAILWATCH_") || k.startsWith("KAFKA_"));
        return new DetectorProcess(builder.start(), log, metricsPort);
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
        return status("VmRSS:") / 1024;
    }

    private void sampleRss() {
        peakRssKb = Math.max(peakRssKb, status("VmHWM:"));
    }

    /** A kB figure from /proc/PID/status, or -1 once the process is gone (or off Linux). */
    private long status(String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            return lines.filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** The last lines of the detector's output, for an error message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the detector as an operator would (SIGTERM, a clean Streams shutdown), forcibly after 30 s. */
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
