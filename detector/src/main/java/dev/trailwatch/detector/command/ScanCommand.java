package dev.trailwatch.detector.command;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.trailwatch.detector.topology.DetectorInstance;
import dev.trailwatch.detector.topology.TopicSpec;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.pipeline.AlertCollector;
import dev.trailwatch.detector.pipeline.EventFeeder;
import dev.trailwatch.detector.pipeline.LocalPipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trailwatch scan}: the production topology over CloudTrail log files, on an in-process broker. At the end of
 * the input every open window is closed and every pending alert written, as a live detector would once time moved on.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Run every detection over CloudTrail log files and folders (.json, .json.gz; recursive; "
                + "digest files skipped) and write the alerts as JSON lines.",
                "Prints 'N events, M alerts, K rejected' to stderr and exits 0; unreadable files and records are "
                        + "reported and counted, never fatal."})
public final class ScanCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--out", paramLabel = "FILE", description = "Write alerts here instead of stdout.")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "CloudTrail log files, folders, or s3://bucket/prefix locations (AWS credentials, region and "
                    + "endpoint from the SDK's standard settings; TRAILWATCH_S3_PATH_STYLE=true for path-style).")
    List<String> paths;

    @Override
    public Integer call() throws Exception {
        DetectorConfig config = options.load().with(Map.of("application.id", "trailwatch-scan"));
        OutputFile.check("--out", out);
        DetectorInstance.loadRules(config); // a bad file in rules.dir fails here, before a broker starts
        ScanInputs inputs = ScanInputs.of(paths);
        PrintWriter err = spec.commandLine().getErr();
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        FlushSignal flush = FlushSignal.onRequest();
        long alerts;
        long readerRejected;
        try (OutputStream sink = open(out);
             LocalPipeline pipeline = LocalPipeline.start(config, metrics, flush);
             AlertCollector collector = new AlertCollector(pipeline.bootstrapServers(),
                     Topics.from(pipeline.config()).alerts(), jsonLines(sink, config));
             EventFeeder feeder = new EventFeeder(pipeline.bootstrapServers(),
                     pipeline.config().get(Settings.TOPIC_EVENTS),
                     (where, why) -> err.println("rejected: " + where + ": " + why))) {
            inputs.feedAll(feeder, err);
            new Drain(pipeline.bootstrapServers(), TIMEOUT).await(feeder, metrics, flush, collector);
            alerts = collector.received();
            readerRejected = feeder.rejected();
        }
        err.printf("%d events, %d alerts, %d rejected%s%n", metrics.eventsRead(), alerts,
                readerRejected + metrics.eventsRejected(), Summary.breakdown(readerRejected, metrics));
        err.flush();
        return 0;
    }

    private static OutputStream open(Path out) throws IOException {
        if (out == null) {
            return new BufferedOutputStream(System.out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        return new BufferedOutputStream(Files.newOutputStream(out));
    }

    /** One alert per line, in the configured {@code alerts.format} (native contract or OCSF finding). */
    private static java.util.function.Consumer<Alert> jsonLines(OutputStream sink, DetectorConfig config) {
        TopicSpec<String, Alert> alerts = Topics.from(config).alerts();
        org.apache.kafka.common.serialization.Serializer<Alert> writer = alerts.valueSerde().serializer();
        return alert -> {
            try {
                sink.write(writer.serialize(alerts.name(), alert));
                sink.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
