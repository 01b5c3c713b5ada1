package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.deadletter.DeadLetters;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.embedded.CommittedReader;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole flow on a real in-process KRaft broker with exactly-once processing: raw records in (good and
 * malformed), alerts and dead letters out, read back with read_committed as a SOC pipeline would.
 */
class DetectorIT {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void alertsOnRawRecordsAndDeadLettersTheUnreadableOnesOnARealBroker() throws Exception {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", "detector-it"));
        TestEvents stop = TestEvents.stopLogging(T0).user("mallory").sourceIp("203.0.113.66");
        try (LocalPipeline pipeline = LocalPipeline.start(config, metrics, FlushSignal.never());
             KafkaProducer<String, byte[]> producer = producer(pipeline.bootstrapServers())) {
            send(producer, TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0).bytes());
            send(producer, "this is not json".getBytes(StandardCharsets.UTF_8));
            send(producer, stop.bytes());
            send(producer, TestEvents.stopLogging(T0).remove("eventID").bytes());
            producer.flush();

            List<Alert> alerts = readAlerts(pipeline.bootstrapServers(), 1);
            assertThat(alerts).singleElement().satisfies(alert -> {
                assertThat(alert.ruleId()).isEqualTo("cloudtrail-logging-stopped");
                assertThat(alert.principal()).isEqualTo("arn:aws:iam::111122223333:user/mallory");
                assertThat(alert.eventIds()).containsExactly(stop.eventId());
            });
            List<ConsumerRecord<String, byte[]>> dead = read(pipeline.bootstrapServers(), "cloudtrail.events.dlq",
                    new ByteArrayDeserializer(), 2);
            assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                    .containsExactlyInAnyOrder("parse", "missing_field");
            assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .contains("this is not json");
            assertThat(metrics.eventsRead()).isEqualTo(2);
            assertThat(metrics.eventsRejected()).isEqualTo(2);
        }
    }

    /**
     * The demo's and scan's drain asks the stream threads to go round their loop after each flush request. When they
     * have stopped (a fatal error, a hang), it must fail with a message within its timeout, not wait for ever.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // before the fix it waited for ever
    void aDrainFailsWithAMessageWhenTheStreamThreadsHaveStopped() throws Exception {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("application.id", "detector-it-stopped"));
        FlushSignal flush = FlushSignal.onRequest();
        try (LocalPipeline pipeline = LocalPipeline.start(config, metrics, flush)) {
            pipeline.detector().close();
            try (Completion completion = new Completion(pipeline.bootstrapServers(), config.applicationId(),
                    pipeline.detector(), Duration.ofMillis(200), pipeline.commitInterval())) {
                assertThatThrownBy(() -> completion.flushUntilDone(flush, "cloudtrail.events", 3,
                        Duration.ofSeconds(5)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("stream threads went round their loop 0 of 3 times in 5 s")
                        .hasMessageContaining("NOT_RUNNING");
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, byte[] value) {
        producer.send(new ProducerRecord<>("cloudtrail.events", null, T0.toEpochMilli(), TestEvents.ACCOUNT, value));
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private static List<Alert> readAlerts(String bootstrap, int count) {
        return read(bootstrap, "cloudtrail.alerts", JacksonSerde.json(Alert.class).deserializer(), count).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static <V> List<ConsumerRecord<String, V>> read(String bootstrap, String topic, Deserializer<V> values,
                                                           int count) {
        return CommittedReader.read(bootstrap, topic, values, count, Duration.ofSeconds(60));
    }
}
