package dev.trailwatch.detector.embedded;

import static org.awaitility.Awaitility.await;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic of the embedded broker as a SOC pipeline would: from the earliest offset, committed records only
 * ({@code read_committed}: under exactly-once an alert exists once its transaction commits), in a consumer group of
 * its own. The integration tests' one way to see what the detector wrote; records accumulate in one growing list.
 */
public final class CommittedReader<V> implements AutoCloseable {

    private final KafkaConsumer<String, V> consumer;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

    public CommittedReader(String bootstrap, String topic, Deserializer<V> values) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topic + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values);
        consumer.subscribe(List.of(topic));
    }

    /** A reader of the alerts topic. */
    public static CommittedReader<Alert> alerts(String bootstrap, String topic) {
        return new CommittedReader<>(bootstrap, topic, JacksonSerde.json(Alert.class).deserializer());
    }

    /** Polls once (up to 200 ms) and returns every record read so far. */
    public synchronized List<ConsumerRecord<String, V>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return List.copyOf(seen);
    }

    /** Every value read so far, after one more poll. */
    public List<V> values() {
        return poll().stream().map(ConsumerRecord::value).toList();
    }

    /** Polls until at least {@code count} records were read, or fails after {@code timeout}. */
    public List<ConsumerRecord<String, V>> awaitCount(int count, Duration timeout) {
        await().atMost(timeout).until(() -> poll().size() >= count);
        return poll();
    }

    /** Polls until a value matches {@code last}, or fails after {@code timeout}; returns every value read. */
    public List<V> awaitValue(Predicate<V> last, Duration timeout) {
        await().atMost(timeout).until(() -> values().stream().anyMatch(last));
        return values();
    }

    /** Polls until this reader's position reaches the end offsets the topic has now: everything committed so far. */
    public List<V> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end;
        synchronized (this) {
            end = consumer.endOffsets(consumer.assignment());
        }
        await().atMost(timeout).until(() -> {
            poll();
            synchronized (this) {
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        });
        return values();
    }

    /**
     * At least {@code count} records of a topic (fails after {@code timeout}), and whatever follows them within a
     * second, so that a test asserting the exact set also sees a record too many.
     */
    public static <V> List<ConsumerRecord<String, V>> read(String bootstrap, String topic, Deserializer<V> values,
                                                          int count, Duration timeout) {
        try (CommittedReader<V> reader = new CommittedReader<>(bootstrap, topic, values)) {
            reader.awaitCount(count, timeout);
            long settled = System.currentTimeMillis() + 1_000;
            while (System.currentTimeMillis() < settled) {
                reader.poll();
            }
            return reader.poll();
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
