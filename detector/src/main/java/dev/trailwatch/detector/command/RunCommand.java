package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.StateDirectory;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.MetricsServer;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.pipeline.TopicSetup;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.topology.DetectorInstance;
import dev.trailwatch.detector.tuning.TuningSet;
import dev.trailwatch.ingest.launch.KafkaReach;
import dev.trailwatch.ingest.launch.StopSignals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trailwatch run}: the production detector against an existing Kafka cluster. Everything the user can get wrong
 * is checked before the detector starts, cheapest first: settings, state directory, rule files, tuning files, the metrics port, then
 * Kafka itself (reachable, authenticated, topics present), each with a message that names the setting to fix.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the detector against your Kafka cluster: kafka.bootstrap.servers in --config or "
                + "KAFKA_BOOTSTRAP_SERVERS (default localhost:9092). Serves /metrics, /health and /ready.",
                "Exit codes: 0 stopped (Ctrl-C / SIGTERM), 1 failed while running (e.g. Kafka unreachable), "
                        + "2 bad configuration, rule file, tuning file or arguments."})
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
        DetectorConfig config = StateDirectory.durable(options.load(), System.getenv());
        RulePack rules = DetectorInstance.loadRules(config);
        TuningSet tuning = DetectorInstance.loadTuning(config, rules);
        TrailWatchMetrics metrics = Monitoring.metrics();
        AtomicReference<DetectorInstance> running = new AtomicReference<>();
        try (MetricsServer server = Monitoring.serve(config, metrics, () -> notReadyReason(running),
                Settings.METRICS_PORT.name())) {
            Map<String, Object> client = adminSettings(config);
            KafkaReach.check(client, bootstrapSource(config), KafkaReach.DEFAULT_TIMEOUT);
            checkTopics(config, client);
            DetectorInstance detector = DetectorInstance.start(config, rules, () -> tuning, metrics,
                    FlushSignal.never());
            running.set(detector);
            try (StopSignals.Registration stop = StopSignals.onStop(detector::close)) {
                if (!stop.handled()) {
                    Runtime.getRuntime().addShutdownHook(new Thread(detector::close, "trailwatch-shutdown"));
                }
                detector.awaitStop();
            }
            return detector.state() == KafkaStreams.State.ERROR ? 1 : 0;
        }
    }

    /** Null while ready; else why not, for the body of a 503 on /ready. */
    private static String notReadyReason(AtomicReference<DetectorInstance> running) {
        DetectorInstance detector = running.get();
        return detector == null ? "starting: checking settings, Kafka and topics" : detector.notReadyReason();
    }

    private static Map<String, Object> adminSettings(DetectorConfig config) {
        Map<String, Object> client = new HashMap<>(config.kafka());
        client.putIfAbsent("bootstrap.servers", config.streamsProperties().getProperty("bootstrap.servers"));
        return client;
    }

    private static String bootstrapSource(DetectorConfig config) {
        return config.kafka().containsKey("bootstrap.servers") ? "kafka.bootstrap.servers"
                : "the default; set kafka.bootstrap.servers or KAFKA_BOOTSTRAP_SERVERS";
    }

    /** Fails fast with the exact topics to create, rather than a Streams error about missing sources later. */
    private void checkTopics(DetectorConfig config, Map<String, Object> client) throws Exception {
        Map<String, Object> admin = new HashMap<>();
        client.forEach((key, value) -> {
            if (org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        try (Admin kafka = Admin.create(admin)) {
            if (createTopics) {
                TopicSetup.ensure(kafka, TopicSetup.required(config, config.get(Settings.TOPIC_PARTITIONS),
                        replicationFactor));
                return;
            }
            List<String> missing = TopicSetup.missing(kafka, config);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing topics " + missing + " on "
                        + client.get("bootstrap.servers") + ": create them (" + TopicSetup.howToCreate(config)
                        + ") or start with --create-topics");
            }
        }
    }
}
