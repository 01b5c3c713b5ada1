package dev.trailwatch.detector.faults;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an alerts topic as a SOC pipeline would (read_committed, from the start) on a thread of its own, through
 * broker restarts, noting when each alert became visible.
 */
final class AlertTail implements AutoCloseable {

    /** What the comparison looks at; event ids sorted (their order inside an alert is not part of the contract). */
    record Seen(long visibleAt, String alertId, String ruleId, String severity, List<String> eventIds,
                long eventCount) {
        String identity() {
            return alertId + " " + ruleId + " " + severity + " " + eventIds + " " + eventCount;
        }
    }

    private final KafkaConsumer<String, Alert> consumer;
    private final List<Seen> seen = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    AlertTail(String bootstrap, String topic, int partitions) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                JacksonSerde.json(Alert.class).deserializer());
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        consumer.assign(all);
        consumer.seekToBeginning(all);
        thread = new Thread(this::run, "alert-tail-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    Alert a = r.value();
                    List<String> ids = a.eventIds().stream().sorted().toList();
                    synchronized (seen) {
                        seen.add(new Seen(System.currentTimeMillis(), a.alertId(), a.ruleId(),
                                a.severity().name(), ids, a.eventCount()));
                    }
                });
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** When the last of the alerts covering {@code eventIds} became visible; -1 when not all did in time. */
    long awaitEvents(Collection<String> eventIds, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            long last = -1;
            boolean all = true;
            List<Seen> now = seen();
            for (String id : eventIds) {
                long at = now.stream().filter(s -> s.eventIds().contains(id)).mapToLong(Seen::visibleAt).min()
                        .orElse(-1);
                if (at < 0) {
                    all = false;
                    break;
                }
                last = Math.max(last, at);
            }
            if (all) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return -1;
    }

    /** Waits until no new alert has appeared for {@code quiet}. */
    void awaitQuiet(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        int count = -1;
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            int now = seen().size();
            if (now != count) {
                count = now;
                since = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - since >= quiet.toMillis()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
