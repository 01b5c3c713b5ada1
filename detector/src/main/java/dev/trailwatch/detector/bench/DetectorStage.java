package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.embedded.LoopbackPorts;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.pipeline.AlertCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Stages 3 and 4 share one detector process (see {@link AppProcess}): it first works through the pre-loaded
 * events (throughput, every injected attack alerted), then, warm, takes live traffic (latency). Alerts are read from
 * the alerts topic as a SOC pipeline reads them, committed transactions only.
 */
final class DetectorStage implements AutoCloseable {

    private final AppProcess process;
    private final AlertCollector collector;
    private final CommittedOffsets progress;
    private final Path stateDir;
    private final Map<String, Long> alertedAt = new ConcurrentHashMap<>();
    private final AtomicLong alerts = new AtomicLong();

    private DetectorStage(AppProcess process, AlertCollector collector, Path stateDir, DetectorConfig config,
                          String bootstrap) {
        this.process = process;
        this.collector = collector;
        this.stateDir = stateDir;
        this.progress = new CommittedOffsets(bootstrap, config.streamsProperties().getProperty("application.id"),
                config.get(Settings.TOPIC_EVENTS));
    }

    static DetectorStage start(DetectorConfig config, String bootstrap, List<String> jvmOptions, Path dir)
            throws IOException {
        AppProcess process = AppProcess.detector(config, LoopbackPorts.pick(1)[0], jvmOptions, dir);
        DetectorStage[] stage = new DetectorStage[1];
        AlertCollector collector = new AlertCollector(bootstrap, config.get(Settings.TOPIC_ALERTS),
                alert -> stage[0].record(alert));
        stage[0] = new DetectorStage(process, collector,
                Path.of(config.streamsProperties().getProperty("state.dir")), config, bootstrap);
        return stage[0];
    }

    private void record(Alert alert) {
        long now = System.nanoTime();
        alerts.incrementAndGet();
        if (alert.eventIds() != null) {
            for (String id : alert.eventIds()) {
                alertedAt.putIfAbsent(alert.ruleId() + "/" + id, now);
            }
        }
    }

    /** Resident set and state at one point of stage 3, to show whether memory stays flat as state grows. */
    record Progress(long events, long rssMb, long stateEntries) {
    }

    /**
     * Stage 3: waits until the detector has committed {@code events} input offsets (see {@link CommittedOffsets}; it
     * reads from the topic's start), noting its RSS and state entries in {@code timeline} at most once per tenth of
     * the way, and at the end.
     */
    Throughput.Rate throughput(long events, double warmup, Duration timeout, List<Progress> timeline)
            throws InterruptedException {
        long step = Math.max(1, events / 10);
        LongSupplier seen = marking(progress::get, step, count -> timeline.add(new Progress(
                count, process.rssMb(), stateEntries().values().stream().mapToLong(Long::longValue).sum())));
        try {
            return Throughput.measure("detector", events, warmup, seen, process::alive, timeout,
                    Duration.ofMillis(100));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; the detector's log ends with:\n"
                    + process.logTail(30), e);
        }
    }

    /**
     * A count that calls {@code note} once each time {@code progress} crosses a multiple of {@code step}. Noting takes
     * time (a scrape of the detector), so the count is read again after it, and the count returned has had every
     * crossing below it noted: the caller may stop at it, and the last mark it passed is in the timeline.
     */
    static LongSupplier marking(LongSupplier progress, long step, LongConsumer note) {
        long[] nextMark = {step};
        return () -> {
            long count = progress.getAsLong();
            while (count >= nextMark[0]) {
                note.accept(count);
                nextMark[0] = (count / step + 1) * step;
                count = Math.max(count, progress.getAsLong());
            }
            return count;
        };
    }

    /** When the first alert naming one of the attack's events was read (nanoTime), or null. */
    Long alertedAt(TrafficGenerator.Attack attack) {
        return attack.eventIds().stream().map(id -> alertedAt.get(attack.ruleId() + "/" + id))
                .filter(java.util.Objects::nonNull).min(Long::compare).orElse(null);
    }

    /** Waits up to {@code wait} for every attack's alert; returns the names of those still missing. */
    List<String> awaitAttacks(List<TrafficGenerator.Attack> attacks, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> missing = attacks.stream().filter(a -> alertedAt(a) == null)
                    .map(TrafficGenerator.Attack::name).toList();
            if (missing.isEmpty() || System.nanoTime() > deadline || !process.alive()) {
                return missing;
            }
            Thread.sleep(20);
        }
    }

    long alerts() {
        return alerts.get();
    }

    long peakRssMb() {
        return process.peakRssMb();
    }

    /** Entries per state store, from the detector's {@code trailwatch_state_store_entries} gauges. */
    Map<String, Long> stateEntries() {
        Map<String, Long> entries = new TreeMap<>();
        for (String line : process.scrape().split("\n")) {
            if (line.startsWith("trailwatch_state_store_entries{")) {
                int at = line.indexOf("store=\"") + 7;
                String store = line.substring(at, line.indexOf('"', at));
                entries.merge(store, Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))),
                        Long::sum);
            }
        }
        return entries;
    }

    /** Bytes of the detector's state directory (RocksDB files and checkpoints). */
    long stateBytes() {
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // RocksDB deleted it while we walked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            collector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            progress.close();
            process.close();
        }
    }
}
