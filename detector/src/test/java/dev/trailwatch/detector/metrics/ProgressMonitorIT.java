package dev.trailwatch.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What readiness learns from the brokers: lag behind committed offsets, stalls, failed threads, no answer. */
class ProgressMonitorIT {

    private static final TopicPartition INPUT = new TopicPartition("cloudtrail.events", 0);
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @Test
    void tellsAStallAFailedThreadAndUnreachableBrokersFromAnIdleOrMovingDetector() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            kafka.createTopic(INPUT.topic(), 1, Map.of());
            produce(kafka.bootstrapServers(), 3);
            commit(kafka.bootstrapServers(), 1);
            ProgressMonitor monitor = new ProgressMonitor(Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())), "detector",
                    () -> Set.of(INPUT), Duration.ofSeconds(30), clock::get);
            try {
                monitor.probe();
                assertThat(monitor.lag()).isEqualTo(2);
                assertThat(monitor.stalledReason()).as("lag, but just started").isNull();

                clock.addAndGet(31_000);
                monitor.probe();
                assertThat(monitor.stalledReason())
                        .isEqualTo("2 input records wait and the committed offsets have not moved for 31 s");

                commit(kafka.bootstrapServers(), 2);
                monitor.probe();
                assertThat(monitor.stalledReason()).as("moving again").isNull();
                clock.addAndGet(1_000);
                monitor.threadFailed();
                clock.addAndGet(1_000);
                assertThat(monitor.stalledReason()).startsWith("a stream thread failed 1 s ago and 1 input records");

                commit(kafka.bootstrapServers(), 3);
                clock.addAndGet(60_000);
                monitor.probe();
                assertThat(monitor.lag()).isZero();
                assertThat(monitor.stalledReason()).as("idle after catching up").isNull();

                kafka.close();
                clock.addAndGet(11_000);
                assertThat(monitor.reachable()).isFalse();
                assertThat(monitor.stalledReason()).isEqualTo("no answer from the brokers for 11 s");
            } finally {
                monitor.close();
            }
        } finally {
            kafka.close();
        }
    }

    private static void produce(String bootstrap, int count) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(INPUT.topic(), 0, "k", "v" + i));
            }
        }
    }

    private static void commit(String bootstrap, long offset) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "detector"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(INPUT));
            consumer.commitSync(Map.of(INPUT, new OffsetAndMetadata(offset)));
        }
    }
}
