package dev.trailwatch.detector.command;

import dev.trailwatch.detector.topology.DetectorInstance;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.MetricsServer;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.pipeline.AlertCollector;
import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.detector.pipeline.LocalPipeline;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import dev.trailwatch.ingest.launch.StopSignals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trailwatch demo}: an in-process Kafka broker, the bundled sample CloudTrail logs (a week of an organization's
 * activity with an attack inside it), the detector, and each alert printed as it arrives. Serves /metrics until
 * Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an in-process Kafka broker, feed the bundled sample CloudTrail logs through the "
                + "detector and print every alert. Serves Prometheus metrics until Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Port for /metrics, /health and /ready (default: ${DEFAULT-VALUE}).", defaultValue = "9464")
    int metricsPort;

    @Option(names = "--once", description = "Exit once the sample data has been processed instead of serving "
            + "metrics until Ctrl-C (for scripts and tests).")
    boolean once;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DetectorConfig config = options.load().with(Map.of("application.id", "trailwatch-demo",
                Settings.METRICS_PORT.name(), Integer.toString(metricsPort)));
        // a bad file in rules.dir or tuning.dir fails here, before a broker starts
        DetectorInstance.loadTuning(config, DetectorInstance.loadRules(config));
        TrailWatchMetrics metrics = Monitoring.metrics();
        AtomicReference<LocalPipeline> running = new AtomicReference<>();
        // Bound first: a port in use is reported before a broker starts, naming the option that moves it.
        try (MetricsServer server = Monitoring.serve(config, metrics, () -> notReadyReason(running),
                "--metrics-port")) {
            out.println("TrailWatch demo: starting an in-process Kafka broker and the detector...");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            try (StopSignals.Registration signals = StopSignals.onStop(stop::countDown)) {
                if (!signals.handled()) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndWait(stop, closed),
                            "trailwatch-demo-stop"));
                }
                return run(config, metrics, server, running, out, stop);
            } finally {
                closed.countDown();
            }
        }
    }

    /** Null while ready; else why not, for the body of a 503 on /ready. */
    private static String notReadyReason(AtomicReference<LocalPipeline> running) {
        LocalPipeline pipeline = running.get();
        return pipeline == null ? "starting the in-process broker and the detector"
                : pipeline.detector().notReadyReason();
    }

    private int run(DetectorConfig config, TrailWatchMetrics metrics, MetricsServer server,
                    AtomicReference<LocalPipeline> running, PrintWriter out, CountDownLatch stop) throws Exception {
        try (LocalPipeline pipeline = LocalPipeline.start(config, metrics, FlushSignal.never());
             AlertCollector collector = new AlertCollector(pipeline.bootstrapServers(),
                     Topics.from(pipeline.config()).alerts(), alert -> printLine(out, AlertLine.format(alert)));
             EventFeeder feeder = new EventFeeder(pipeline.bootstrapServers(),
                     pipeline.config().get(Settings.TOPIC_EVENTS),
                     (where, why) -> printLine(out, "rejected: " + where + ": " + why))) {
            running.set(pipeline);
            out.printf("Broker at %s; metrics at http://localhost:%d/metrics%n", pipeline.bootstrapServers(),
                    server.port());
            out.println("Feeding the bundled sample CloudTrail logs; alerts follow.");
            out.flush();
            int files = SampleData.feed(feeder);
            new Drain(pipeline, Duration.ofMinutes(5)).await(FlushSignal.never(), collector);
            out.printf("%nDemo data done: %d files, %d events, %d alerts, %d rejected%s.%n", files,
                    metrics.eventsRead(), collector.received(), feeder.rejected() + metrics.eventsRejected(),
                    Summary.breakdown(feeder.rejected(), metrics));
            if (!once) {
                out.printf("Still running: http://localhost:%d/metrics. Press Ctrl-C to stop.%n", server.port());
                out.flush();
                stop.await();
            }
            out.flush();
        } finally {
            running.set(null);
        }
        return 0;
    }

    /**
     * Ctrl-C: wakes the main thread and lets it close the detector and the broker (and delete their temp dirs)
     * before the JVM halts, within a bound.
     */
    private static void stopAndWait(CountDownLatch stop, CountDownLatch closed) {
        stop.countDown();
        try {
            closed.await(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void printLine(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }
}
