package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.detect.kit.FlushSignal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides when a finite input has been fully processed on the local broker: every fed record has been parsed,
 * then the detector is asked to flush (close every open window) until a whole round changes no topic at all.
 *
 * <p>"No topic changed" covers the alerts, the dead letters and every internal (repartition, changelog) topic, so a
 * flush whose output still has to pass a repartition is waited for. One round lasts {@code quietPeriod}, which must
 * exceed the flush check interval and the commit interval.
 */
public final class Quiescence implements AutoCloseable {

    private final Admin admin;
    private final Duration quietPeriod;

    public Quiescence(String bootstrapServers, Duration quietPeriod) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.quietPeriod = quietPeriod;
    }

    /** Waits until {@code parsed} reaches {@code expected} records. */
    public boolean awaitParsed(long expected, LongSupplier parsed, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (parsed.getAsLong() < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Flushes until two consecutive quiet rounds; false when that does not happen within {@code maxRounds}. */
    public boolean flushUntilQuiet(FlushSignal flush, int maxRounds) throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> before = endOffsets();
        int quietRounds = 0;
        for (int round = 0; round < maxRounds && quietRounds < 2; round++) {
            flush.request();
            Thread.sleep(quietPeriod.toMillis());
            Map<TopicPartition, Long> after = endOffsets();
            quietRounds = after.equals(before) ? quietRounds + 1 : 0;
            before = after;
        }
        return quietRounds >= 2;
    }

    private Map<TopicPartition, Long> endOffsets() throws ExecutionException, InterruptedException {
        var names = admin.listTopics().names().get();
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        topics.values().forEach(t -> t.partitions().forEach(
                p -> request.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
