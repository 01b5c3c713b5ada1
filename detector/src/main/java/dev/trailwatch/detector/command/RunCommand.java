package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.MetricsServer;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.pipeline.TopicSetup;
import dev.trailwatch.detector.topology.DetectorInstance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trailwatch run}: the production detector against an existing Kafka cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the detector against your Kafka cluster (kafka.bootstrap.servers in --config or "
                + "KAFKA_BOOTSTRAP_SERVERS). Serves /metrics, /health and /ready. Stops cleanly on Ctrl-C / SIGTERM.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--create-topics", description = "Create missing TrailWatch topics (partitions from "
            + "topic.partitions) instead of refusing to start.")
    boolean createTopics;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "3",
            description = "Replication factor for --create-topics (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Override
    public Integer call() throws Exception {
        DetectorConfig config = options.load();
        checkTopics(config);
        TrailWatchMetrics metrics = Monitoring.metrics();
        DetectorInstance detector = DetectorInstance.start(config, metrics, FlushSignal.never());
        try (MetricsServer server = Monitoring.serve(config, metrics, detector)) {
            Runtime.getRuntime().addShutdownHook(new Thread(detector::close, "trailwatch-shutdown"));
            detector.awaitStop();
            return detector.state() == KafkaStreams.State.ERROR ? 1 : 0;
        }
    }

    /** Fails fast with the exact topics to create, rather than a Streams error about missing sources later. */
    private void checkTopics(DetectorConfig config) throws Exception {
        Map<String, Object> client = new HashMap<>(config.kafka());
        client.putIfAbsent("bootstrap.servers", config.streamsProperties().getProperty("bootstrap.servers"));
        try (Admin admin = Admin.create(client)) {
            if (createTopics) {
                TopicSetup.ensure(admin, TopicSetup.required(config, config.get(Settings.TOPIC_PARTITIONS),
                        replicationFactor));
                return;
            }
            List<String> missing = TopicSetup.missing(admin, config);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing topics " + missing + " on "
                        + client.get("bootstrap.servers") + ": create them (events, alerts and dead letters with "
                        + "the same partition count; " + config.get(Settings.TOPIC_ACCOUNTS) + " compacted) or "
                        + "start with --create-topics");
            }
        }
    }
}
