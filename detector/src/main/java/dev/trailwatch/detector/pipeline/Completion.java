package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.topology.DetectorInstance;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides that a finite input has been fully processed on the local broker by the work done, never by a quiet spell:
 *
 * <ol>
 *   <li><b>processed</b>: the detector's consumer group has committed, for every partition it reads (the input topic and
 *       every repartition topic), the partition's end offset. Under exactly-once a committed offset means the records
 *       before it were processed and their output and state committed; under at-least-once Kafka Streams flushes its
 *       producer and stores before it commits the offsets, so the output of the records before a committed offset
 *       is on the broker.</li>
 *   <li><b>flushed</b>: a flush is requested; the processors see it on a wall-clock check ({@code checkEvery}). Once
 *       that interval and two commit intervals have passed, and the stream threads have then gone round their loop
 *       {@value #ITERATIONS} more times (each turn runs whatever punctuation and commit is due), every processor has
 *       flushed and its output is committed. Then step 1 again, for what the flush sent through repartition topics.</li>
 *   <li>Flush rounds repeat until two in a row change no topic at all (a flushed alert may still have to pass a
 *       suppressor that flushes in the next round).</li>
 * </ol>
 * A slow or loaded machine only makes each step take longer; it cannot make it end early.
 */
public final class Completion implements AutoCloseable {

    private static final int ITERATIONS = 3;
    private static final Set<String> BROKER_TOPICS = Set.of("__consumer_offsets", "__transaction_state");

    private final Admin admin;
    private final String groupId;
    private final DetectorInstance detector;
    private final Duration checkEvery;
    private final Duration commitInterval;

    public Completion(String bootstrapServers, String groupId, DetectorInstance detector, Duration checkEvery,
                      Duration commitInterval) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.groupId = groupId;
        this.detector = detector;
        this.checkEvery = checkEvery;
        this.commitInterval = commitInterval;
    }

    /** Waits until every partition the detector reads is committed up to its end; false on timeout. */
    public boolean awaitProcessed(String inputTopic, Duration timeout) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!processed(inputTopic)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Flushes until two consecutive rounds change no topic; false when that does not happen within {@code maxRounds}.
     *
     * @throws IllegalStateException when the stream threads stop going round their loop after a flush request
     */
    public boolean flushUntilDone(FlushSignal flush, String inputTopic, int maxRounds, Duration timeout)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> before = endOffsets(allTopics());
        int quietRounds = 0;
        for (int round = 0; round < maxRounds && quietRounds < 2; round++) {
            flush.request();
            awaitLoopsAfter(System.nanoTime() + checkEvery.plus(commitInterval.multipliedBy(2)).toNanos(), timeout);
            if (!awaitProcessed(inputTopic, timeout)) {
                return false;
            }
            Map<TopicPartition, Long> after = endOffsets(allTopics());
            quietRounds = after.equals(before) ? quietRounds + 1 : 0;
            before = after;
        }
        return quietRounds >= 2;
    }

    /**
     * Waits until {@code notBefore} (System.nanoTime) and then for the stream threads to loop {@value #ITERATIONS}
     * times.
     *
     * @throws IllegalStateException when they do not within {@code timeout}: a stream thread that died or hangs would
     *                               otherwise keep a scan or the demo waiting for ever
     */
    private void awaitLoopsAfter(long notBefore, Duration timeout) throws InterruptedException {
        long wait = notBefore - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        long start = detector.streamThreadIterations();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (detector.streamThreadIterations() < start + ITERATIONS) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the detector's stream threads went round their loop "
                        + (detector.streamThreadIterations() - start) + " of " + ITERATIONS + " times in "
                        + timeout.toSeconds() + " s after a flush request (Kafka Streams state "
                        + detector.state() + "): a stream thread stopped or hangs; see the log above");
            }
            Thread.sleep(10);
        }
    }

    private boolean processed(String inputTopic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        Set<String> read = committed.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
        read.add(inputTopic);
        read.addAll(repartitionTopics());
        Map<TopicPartition, Long> ends = endOffsets(read);
        return ends.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata at = committed.get(e.getKey());
            return e.getValue() == 0 || at != null && at.offset() >= e.getValue();
        });
    }

    private Set<String> repartitionTopics() throws ExecutionException, InterruptedException {
        return admin.listTopics().names().get().stream()
                .filter(name -> name.startsWith(groupId + "-") && name.endsWith("-repartition"))
                .collect(Collectors.toSet());
    }

    private Set<String> allTopics() throws ExecutionException, InterruptedException {
        return admin.listTopics().names().get().stream().filter(t -> !BROKER_TOPICS.contains(t))
                .collect(Collectors.toSet());
    }

    private Map<TopicPartition, Long> endOffsets(Set<String> topics) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().values().forEach(t -> t.partitions().forEach(
                p -> request.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
