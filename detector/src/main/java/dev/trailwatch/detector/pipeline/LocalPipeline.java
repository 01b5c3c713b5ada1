package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.topology.DetectorInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The whole pipeline on this machine: an in-process KRaft broker in a fresh temp dir, TrailWatch's topics, and the
 * detector connected to it with the same topology as production. {@code demo} runs on it ({@code scan}
 * needs no broker: {@link ScanDriver}).
 */
public final class LocalPipeline implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * One input partition: a replay must reach every detector in event-time order, and across several partitions
     * one stream thread works through its tasks in turns, so a repartitioned detector (by IP, by principal) would see
     * event time jump ahead by whatever one task processed in its turn and take the other tasks' events as late.
     * A single stream thread gains nothing from more partitions anyway.
     */
    private static final int REPLAY_PARTITIONS = 1;

    private final EmbeddedKafka kafka;
    private final DetectorConfig config;
    private final DetectorInstance detector;
    private final Path stateDir;

    private LocalPipeline(EmbeddedKafka kafka, DetectorConfig config, DetectorInstance detector, Path stateDir) {
        this.kafka = kafka;
        this.config = config;
        this.detector = detector;
        this.stateDir = stateDir;
    }

    public static LocalPipeline start(DetectorConfig base, TrailWatchMetrics metrics, FlushSignal flush)
            throws IOException, InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Path stateDir = Files.createTempDirectory("trailwatch-state-");
        DetectorConfig config = base.with(Map.of(
                DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
                DetectorConfig.KAFKA_PREFIX + "state.dir", stateDir.toString(),
                // The files are read once: a change while a replay runs would make its alerts depend on timing.
                Settings.RELOAD_INTERVAL.name(), "0s"));
        kafka.createTopics(TopicSetup.required(config, REPLAY_PARTITIONS, (short) 1));
        DetectorInstance detector = DetectorInstance.start(config, metrics, flush);
        LocalPipeline pipeline = new LocalPipeline(kafka, config, detector, stateDir);
        if (!detector.awaitRunning(START_TIMEOUT)) {
            pipeline.close();
            throw new IllegalStateException("the detector did not reach RUNNING within " + START_TIMEOUT.toSeconds()
                    + " s (state " + detector.state() + ")");
        }
        return pipeline;
    }

    public DetectorConfig config() {
        return config;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The Streams commit interval in force (exactly-once: 100 ms unless configured). */
    public Duration commitInterval() {
        Object configured = config.streamsProperties().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        if (configured != null) {
            return Duration.ofMillis(Long.parseLong(configured.toString()));
        }
        boolean eos = StreamsConfig.EXACTLY_ONCE_V2.equals(
                config.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        return Duration.ofMillis(eos ? 100 : 30_000);
    }

    public DetectorInstance detector() {
        return detector;
    }

    @Override
    public void close() {
        detector.close();
        kafka.close();
        DataDirs.deleteRecursively(stateDir);
    }
}
