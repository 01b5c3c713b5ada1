package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.topology.TopicSpec;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the alerts topic (committed transactions only, as a SOC pipeline would) on its own thread and hands each
 * alert to a callback: {@code demo}'s lines, the benchmark's counts ({@code scan} reads its alerts from
 * {@link ScanDriver}).
 */
public final class AlertCollector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertCollector.class);

    private final KafkaConsumer<String, Alert> consumer;
    private final List<TopicPartition> partitions;
    private final Consumer<Alert> onAlert;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong received = new AtomicLong();
    private final Thread thread;
    private volatile boolean caughtUp;

    public AlertCollector(String bootstrapServers, String topic, Consumer<Alert> onAlert) {
        this(bootstrapServers, new TopicSpec<>(topic, Serdes.String(), JacksonSerde.json(Alert.class)), onAlert);
    }

    /** Reads {@code topic} with its own value serde (native or OCSF, as {@code alerts.format} wrote it). */
    public AlertCollector(String bootstrapServers, TopicSpec<String, Alert> alerts, Consumer<Alert> onAlert) {
        String topic = alerts.name();
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), alerts.valueSerde().deserializer());
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).collect(Collectors.toList());
        this.onAlert = onAlert;
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::loop, "trailwatch-alert-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, Alert> record : consumer.poll(Duration.ofMillis(100))) {
                    onAlert.accept(record.value());
                    received.incrementAndGet();
                }
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                caughtUp = partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("alert collector stopped", e);
        } finally {
            consumer.close();
        }
    }

    /** Waits until every committed alert up to now has been handed to the callback. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        caughtUp = false;
        while (!caughtUp) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    public long received() {
        return received.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(5_000);
    }
}
