package dev.trailwatch.detector.faults;

import dev.trailwatch.detector.TrailWatchApp;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.LoopbackPorts;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** One detector instance as deployed: {@code trailwatch run --config FILE} in its own JVM, with its own state dir. */
final class DetectorProcess implements AutoCloseable {

    private static final List<String> JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final String name;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private ChildJvm jvm;

    /**
     * @param settings TrailWatch settings ({@code application.id}, topics, {@code instance.id}, {@code kafka.*})
     * @param log      where its output goes (appended over restarts)
     */
    DetectorProcess(String name, Path dir, Properties settings, Path log) throws IOException {
        this.name = name;
        this.log = log;
        this.dir = Files.createDirectories(dir);
        this.metricsPort = LoopbackPorts.pick(1)[0];
        Properties props = new Properties();
        props.putAll(settings);
        props.put("metrics.host", "127.0.0.1");
        props.put("metrics.port", Integer.toString(metricsPort));
        props.put("kafka.state.dir", stateDir().toString());
        this.config = dir.resolve("trailwatch.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "fault suite: " + name);
        }
    }

    String name() {
        return name;
    }

    Path stateDir() {
        return dir.resolve("state");
    }

    DetectorProcess start() throws IOException {
        jvm = ChildJvm.start(name, TrailWatchApp.class, JVM, List.of("run", "--config", config.toString()),
                log);
        return this;
    }

    void kill() throws InterruptedException {
        jvm.kill();
    }

    void stop() throws InterruptedException {
        jvm.stop();
    }

    void wipeState() {
        DataDirs.deleteRecursively(stateDir());
    }

    boolean alive() {
        return jvm != null && jvm.alive();
    }

    /** The /ready status code, or -1 when it does not answer. */
    int readyStatus() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (jvm != null) {
            jvm.close();
        }
    }
}
