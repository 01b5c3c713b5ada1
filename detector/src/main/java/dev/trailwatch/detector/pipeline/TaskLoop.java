package dev.trailwatch.detector.pipeline;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.internals.StreamTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TopologyTestDriver}'s own processing loop, without its commit after every record. For each record piped in,
 * the driver processes it and everything it sends through repartition topics, then commits: it flushes every store
 * and writes (here: deletes, as nothing is logged) the task's checkpoint file, and it matches the topic name against
 * every source topic as a regular expression. In a profile of a 300,000-event scan that was about 40% of the thread
 * driving the topology, for nothing a scan needs per record (its stores are in memory, there is no broker to commit
 * to).
 *
 * <p>This loop does per record exactly what the driver's does (enqueue the record, then until nothing is processable:
 * process the next record by timestamp, punctuate by stream time, capture the outputs and put those for repartition
 * topics and global tables back in), so records are processed in the same order, and commits every
 * {@value #COMMIT_EVERY} records (by default) and before the driver is used otherwise ({@link #commit()}). It reaches
 * the driver's task and three of its private methods; when a Kafka version changes them, {@link #of} returns null and
 * the scan pipes records through the driver's public API (the same alerts, slower), saying so in the log.
 *
 * <p>It also turns off the task's end-to-end latency metric ({@code record-e2e-latency-*} of the source and terminal
 * nodes), which Kafka Streams records at {@code INFO}, the lowest recording level, for every record at every such node:
 * ~4-6% of the thread driving the topology on the S3-layout tree. Nothing reads the driver's metrics in a scan (what
 * it reports is counted by {@code TrailWatchMetrics}); the other Streams metrics are left as they are.
 */
final class TaskLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);
    /**
     * Records between commits. A commit flushes every store and writes the burst detectors' journals of the keys
     * changed since the last one ({@code StateJournal}): at 1,024 that was ~9% of the thread driving the topology on
     * the S3-layout tree, at 8,192 about half of it (a key changed many times between two commits is written once).
     * Nothing a scan reports depends on it: its stores are in memory and never restored.
     */
    static final int COMMIT_EVERY = 8192;

    private final TopologyTestDriver driver;
    private final StreamTask task;
    private final MethodHandle enqueue;
    private final MethodHandle capture;
    private final MethodHandle commit;
    private final int commitEvery;
    private int uncommitted;

    private TaskLoop(TopologyTestDriver driver, StreamTask task, MethodHandle enqueue, MethodHandle capture,
                     MethodHandle commit, int commitEvery) {
        this.driver = driver;
        this.task = task;
        this.enqueue = enqueue;
        this.capture = capture;
        this.commit = commit;
        this.commitEvery = commitEvery;
    }

    /** The loop over {@code driver}'s task, or null when this Kafka version's driver is not built as expected. */
    static TaskLoop of(TopologyTestDriver driver, int commitEvery) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(TopologyTestDriver.class,
                    MethodHandles.lookup());
            VarHandle taskField = lookup.findVarHandle(TopologyTestDriver.class, "task", StreamTask.class);
            StreamTask task = (StreamTask) taskField.get(driver);
            if (task == null) {
                return null;
            }
            MethodHandle enqueue = lookup.findVirtual(TopologyTestDriver.class, "enqueueTaskRecord",
                    MethodType.methodType(void.class, String.class, TopicPartition.class, long.class, byte[].class,
                            byte[].class, Headers.class));
            MethodHandle capture = lookup.findVirtual(TopologyTestDriver.class,
                    "captureOutputsAndReEnqueueInternalResults", MethodType.methodType(void.class));
            MethodHandle commit = lookup.findVirtual(TopologyTestDriver.class, "commit",
                    MethodType.methodType(void.class, Map.class));
            endToEndLatencyOff(lookup, driver, task);
            return new TaskLoop(driver, task, enqueue, capture, commit, commitEvery);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("scan: this Kafka Streams version's TopologyTestDriver is not built as expected ({}); records go "
                    + "through its public API, which commits after each one (slower, same alerts)", e.toString());
            return null;
        }
    }

    /**
     * Replaces the task's end-to-end latency sensors (one per source and terminal node) by one that records nothing (a
     * sensor with no statistic: the task asks it whether it has any before it reads the clock, whatever recording level
     * is configured). When this Kafka version's task or driver is not built as
     * expected, it says so in the log and the metric is recorded, as on a stream thread.
     */
    private static void endToEndLatencyOff(MethodHandles.Lookup driverLookup, TopologyTestDriver driver,
                                           StreamTask task) {
        try {
            Metrics metrics = (Metrics) driverLookup.findVarHandle(TopologyTestDriver.class, "metrics", Metrics.class)
                    .get(driver);
            @SuppressWarnings("unchecked")
            Map<String, Sensor> sensors = (Map<String, Sensor>) MethodHandles
                    .privateLookupIn(StreamTask.class, MethodHandles.lookup())
                    .findVarHandle(StreamTask.class, "e2eLatencySensors", Map.class).get(task);
            Sensor off = metrics.sensor("trailwatch-scan-e2e-latency-off", Sensor.RecordingLevel.TRACE);
            sensors.replaceAll((node, sensor) -> off);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("scan: this Kafka Streams version's task is not built as expected ({}); its end-to-end latency "
                    + "metric is recorded for every record (slower, same alerts)", e.toString());
        }
    }

    /** Processes one record of {@code partition} and everything it causes, at wall-clock {@code now}. */
    void pipe(TopicPartition partition, long timestamp, byte[] key, byte[] value, Headers headers, long now) {
        try {
            enqueue.invokeExact(driver, partition.topic(), partition, timestamp, key, value, headers);
            while (task.hasRecordsQueued() && task.isProcessable(now)) {
                task.process(now);
                task.maybePunctuateStreamTime();
                capture.invokeExact(driver);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (++uncommitted >= commitEvery) {
            commit();
        }
    }

    /** Commits what was processed since the last commit (as the driver does after every record). */
    void commit() {
        if (uncommitted == 0) {
            return;
        }
        uncommitted = 0;
        try {
            commit.invokeExact(driver, (Map) task.prepareCommit(true));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        task.postCommit(true);
        task.resumePollingForPartitionsWithAvailableSpace();
        task.updateLags();
    }
}
