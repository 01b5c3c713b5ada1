package dev.trailwatch.detector.command;

import dev.trailwatch.detector.DetectorInstance;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.FlushSignal;
import dev.trailwatch.detector.metrics.MetricsServer;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trailwatch run}: the production detector against an existing Kafka cluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the detector against your Kafka cluster (kafka.bootstrap.servers in --config or "
                + "KAFKA_BOOTSTRAP_SERVERS). Stops cleanly on Ctrl-C / SIGTERM.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        DetectorConfig config = options.load();
        TrailWatchMetrics metrics = Monitoring.metrics();
        DetectorInstance detector = DetectorInstance.start(config, metrics, FlushSignal.never());
        try (MetricsServer server = Monitoring.serve(config, metrics, detector)) {
            Runtime.getRuntime().addShutdownHook(new Thread(detector::close, "trailwatch-shutdown"));
            detector.awaitStop();
            return detector.state() == KafkaStreams.State.ERROR ? 1 : 0;
        }
    }

}
