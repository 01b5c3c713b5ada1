package dev.trailwatch.detector.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real KRaft broker in this JVM: transactions, read_committed, exactly_once_v2 Streams, restart on its data. */
class EmbeddedKafkaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void keepsCommittedTransactionsAcrossARestartOnTheSameDataDir() throws Exception {
        String topic = "it.events";
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            kafka.createTopic(topic, 2, Map.of("cleanup.policy", "delete"));
            kafka.createTopic(topic, 2, Map.of()); // idempotent: an existing topic is fine
            clusterId = kafka.admin().describeCluster().clusterId().get();

            produceInTransactions(kafka.bootstrapServers(), topic);

            assertThat(readCommitted(kafka.bootstrapServers(), topic, "first-reader", 10))
                    .containsExactlyInAnyOrderElementsOf(committedValues());
        }
        assertThat(dataDir.resolve("kafka/meta.properties")).exists();

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dataDir)) {
            assertThat(restarted.admin().describeCluster().clusterId().get()).isEqualTo(clusterId);
            assertThat(restarted.admin().listTopics().names().get()).contains(topic);

            assertThat(readCommitted(restarted.bootstrapServers(), topic, "second-reader", 10))
                    .containsExactlyInAnyOrderElementsOf(committedValues());
        }
        assertThat(dataDir).exists();
    }

    @Test
    void runsAnExactlyOnceStreamsApplication() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            kafka.createTopics(List.of(new NewTopic("it.in", 2, (short) 1), new NewTopic("it.out", 2, (short) 1)));
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("it.in", Consumed.with(Serdes.String(), Serdes.String()))
                    .mapValues(value -> value.toUpperCase())
                    .to("it.out", Produced.with(Serdes.String(), Serdes.String()));

            try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig(kafka, dataDir))) {
                streams.start();
                await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka, null))) {
                    for (String value : List.of("stoplogging", "consolelogin", "createaccesskey")) {
                        producer.send(new ProducerRecord<>("it.in", "111111111111", value));
                    }
                }

                assertThat(readCommitted(kafka.bootstrapServers(), "it.out", "eos-reader", 3))
                        .containsExactlyInAnyOrder("STOPLOGGING", "CONSOLELOGIN", "CREATEACCESSKEY");
            }
        }
    }

    @Test
    void deletesTheTemporaryDataDirItCreated() {
        Path created;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            created = kafka.dataDir();
            assertThat(created.resolve("kafka/meta.properties")).exists();
        }
        assertThat(Files.exists(created)).isFalse();
    }

    private static void produceInTransactions(String bootstrap, String topic) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                producerConfig(bootstrap, "it-tx-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            committedValues().forEach(v -> producer.send(new ProducerRecord<>(topic, "111111111111", v)));
            producer.commitTransaction();

            producer.beginTransaction();
            IntStream.range(0, 5).forEach(i -> producer.send(new ProducerRecord<>(topic, "111111111111", "aborted-" + i)));
            producer.flush();
            producer.abortTransaction();
        }
    }

    /**
     * Reads with {@code read_committed} until it has {@code expected} values and its position is at the end of every
     * partition (past any aborted batch), then returns every value it saw.
     */
    private static List<String> readCommitted(String bootstrap, String topic, String group, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected && caughtUp(consumer);
            });
        }
        return values;
    }

    private static boolean caughtUp(KafkaConsumer<String, String> consumer) {
        if (consumer.assignment().isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static List<String> committedValues() {
        return IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList();
    }

    private static Properties producerConfig(EmbeddedKafka kafka, String transactionalId) {
        return producerConfig(kafka.bootstrapServers(), transactionalId);
    }

    private static Properties producerConfig(String bootstrap, String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return props;
    }

    private static Properties streamsConfig(EmbeddedKafka kafka, Path dir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "embedded-kafka-it");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return props;
    }
}
