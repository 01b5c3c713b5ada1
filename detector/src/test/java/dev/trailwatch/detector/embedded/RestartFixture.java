package dev.trailwatch.detector.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.topology.DetectorInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the restart integration tests share: a detector started on a state directory of the test's choosing (the
 * second run on an empty one, so that its state can only come from the changelogs), and events sent to the broker
 * as the ingest connector sends them.
 */
public final class RestartFixture {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private RestartFixture() {
    }

    /** The detector of {@code config} with its state in {@code stateDir}, running (fails after 90 s). */
    public static DetectorInstance startOn(DetectorConfig config, Path stateDir) {
        DetectorInstance detector = DetectorInstance.start(
                config.with(Map.of(DetectorConfig.KAFKA_PREFIX + "state.dir", stateDir.toString())),
                new TrailWatchMetrics(new SimpleMeterRegistry()), FlushSignal.never());
        try {
            assertThat(detector.awaitRunning(START_TIMEOUT))
                    .as("detector %s running on %s within %s", config.get(Settings.APPLICATION_ID), stateDir,
                            START_TIMEOUT)
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return detector;
    }

    /** A producer to the broker at {@code bootstrap}, every send acknowledged by all replicas. */
    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends {@code event} to {@code config}'s events topic as the ingest connector does (keyed by its recipient
     * account, timestamped with its event time) and returns once the broker has it.
     */
    public static void send(KafkaProducer<String, byte[]> producer, DetectorConfig config, TestEvents event) {
        Instant time = Instant.parse(event.json().get("eventTime").asText());
        String account = event.json().get("recipientAccountId").asText();
        try {
            producer.send(new ProducerRecord<>(config.get(Settings.TOPIC_EVENTS), null, time.toEpochMilli(), account,
                    event.bytes())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send event " + event.eventId(), e.getCause());
        }
    }
}
