package dev.trailwatch.detector.bench;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * How far a Kafka Streams app has got through its input: the offsets its consumer group has committed, summed over
 * the topic's partitions. Under exactly-once a committed offset means the record's output and state are committed
 * too. Read from the broker, so watching costs the app nothing; both apps under test are watched the same way.
 */
final class CommittedOffsets implements AutoCloseable {

    private final Admin admin;
    private final String group;
    private final String topic;

    CommittedOffsets(String bootstrap, String group, String topic) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.group = group;
        this.topic = topic;
    }

    /** Records committed so far; 0 before the first commit or when the broker does not answer in time. */
    long get() {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
