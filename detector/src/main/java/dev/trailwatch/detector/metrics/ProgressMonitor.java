package dev.trailwatch.detector.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance is making progress, asked of the brokers every {@link #PROBE_INTERVAL}: the committed offsets
 * of the input partitions this instance owns against their ends (read_committed). Readiness needs this because the
 * Streams state alone stays RUNNING while the brokers are gone or a stream thread fails on the same record again and
 * again.
 *
 * <p>Meters: {@code trailwatch_last_commit_age_seconds} (since the committed input offsets of this instance last
 * moved, or since start), {@code trailwatch_input_lag_records} (its input partitions' ends minus committed offsets),
 * {@code trailwatch_brokers_reachable} (1 when the last probe within {@link #UNREACHABLE_AFTER} got an answer).
 */
public final class ProgressMonitor implements AutoCloseable {

    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
    /** No answer from the brokers for this long: unreachable. */
    public static final Duration UNREACHABLE_AFTER = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ProgressMonitor.class);

    private final Admin admin;
    private final String groupId;
    private final Supplier<Set<TopicPartition>> owned;
    private final Duration stallTimeout;
    private final LongSupplier clock;
    private final ScheduledExecutorService scheduler;
    private Map<TopicPartition, Long> lastCommitted = Map.of();
    private volatile long lastReached;
    private volatile long lastAdvance;
    /** Last time the instance was idle (no lag) or moved forward: a stall is measured from here. */
    private volatile long lastProgress;
    private volatile long lastThreadFailure = Long.MIN_VALUE;
    private volatile long lag;
    private volatile CaughtUpListener caughtUp;

    /** Told which owned input partitions had nothing left to read at a probe. */
    public interface CaughtUpListener {

        /** Taken before each probe asks the brokers; handed back with each partition found caught up. */
        long before();

        void caughtUp(TopicPartition partition, long before);
    }

    ProgressMonitor(Admin admin, String groupId, Supplier<Set<TopicPartition>> owned, Duration stallTimeout,
                    LongSupplier clock) {
        this.admin = admin;
        this.groupId = groupId;
        this.owned = owned;
        this.stallTimeout = stallTimeout;
        this.clock = clock;
        long now = clock.getAsLong();
        this.lastReached = now;
        this.lastAdvance = now;
        this.lastProgress = now;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "trailwatch-progress");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts probing for {@code groupId} (the application id) over the input partitions {@code owned} names (the
     * ones this instance's active tasks read), with its meters on {@code registry}. Closes {@code admin} on close.
     */
    public static ProgressMonitor start(Admin admin, String groupId, Supplier<Set<TopicPartition>> owned,
                                        Duration stallTimeout, MeterRegistry registry) {
        ProgressMonitor monitor = new ProgressMonitor(admin, groupId, owned, stallTimeout, System::currentTimeMillis);
        Gauge.builder("trailwatch.last.commit.age", monitor, m -> m.millisSince(m.lastAdvance) / 1000.0)
                .description("Seconds since this instance's committed input offsets last moved (or since start)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("trailwatch.input.lag", monitor, m -> m.lag)
                .description("Records in this instance's input partitions after their committed offsets")
                .baseUnit("records").register(registry);
        Gauge.builder("trailwatch.brokers.reachable", monitor, m -> m.reachable() ? 1 : 0)
                .description("1 when the brokers answered within the last 10 s, else 0").register(registry);
        monitor.scheduler.scheduleWithFixedDelay(monitor::probeQuietly, 0, PROBE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        return monitor;
    }

    /** Tells {@code listener} after each probe which owned partitions were read to their end. */
    public void onCaughtUp(CaughtUpListener listener) {
        this.caughtUp = listener;
    }

    /** A stream thread failed (and was replaced): not ready until the instance moves forward again. */
    public void threadFailed() {
        lastThreadFailure = clock.getAsLong();
    }

    /** Why this instance is not making progress, or null when it is (or has nothing to do). */
    public String stalledReason() {
        long now = clock.getAsLong();
        if (!reachable()) {
            return "no answer from the brokers for " + (now - lastReached) / 1000 + " s";
        }
        if (lag > 0 && lastThreadFailure > lastProgress) {
            return "a stream thread failed " + (now - lastThreadFailure) / 1000 + " s ago and " + lag
                    + " input records wait behind it";
        }
        if (lag > 0 && now - lastProgress > stallTimeout.toMillis()) {
            return lag + " input records wait and the committed offsets have not moved for "
                    + (now - lastProgress) / 1000 + " s";
        }
        return null;
    }

    boolean reachable() {
        return millisSince(lastReached) <= UNREACHABLE_AFTER.toMillis();
    }

    long lag() {
        return lag;
    }

    private long millisSince(long then) {
        return Math.max(0, clock.getAsLong() - then);
    }

    private void probeQuietly() {
        try {
            probe();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("progress probe failed: {}", e.toString());
        }
    }

    /** One look at the committed offsets and the ends of the owned input partitions. */
    void probe() throws Exception {
        Set<TopicPartition> partitions = owned.get();
        CaughtUpListener listener = caughtUp;
        long before = listener == null ? 0 : listener.before();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Map.of(groupId,
                        new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)))
                .partitionsToOffsetAndMetadata(groupId).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> ends = partitions.isEmpty() ? Map.of() : admin.listOffsets(
                        partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long now = clock.getAsLong();
        lastReached = now;
        Map<TopicPartition, Long> positions = new HashMap<>();
        long total = 0;
        boolean advanced = false;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            long position = offset == null ? -1 : offset.offset();
            positions.put(partition, position);
            ListOffsetsResultInfo end = ends.get(partition);
            // no committed offset yet: count from the partition's start is unknown here, so any record counts once
            total += end == null ? 0 : Math.max(0, end.offset() - Math.max(position, 0));
            if (listener != null && end != null && Math.max(position, 0) >= end.offset()) {
                listener.caughtUp(partition, before);
            }
            advanced |= position > lastCommitted.getOrDefault(partition, Long.MAX_VALUE);
        }
        lastCommitted = positions;
        lag = total;
        if (advanced) {
            lastAdvance = now;
        }
        if (advanced || total == 0) {
            lastProgress = now;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
