package dev.trailwatch.detector.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that re-reads rules.dir and tuning.dir every {@code reload.interval} ({@link DirectoryWatch}). The
 * topology registers its watches while it is built; the detector instance starts the thread once Kafka Streams runs
 * and stops it when it closes. {@link #off()} registers nothing (scan, tests, {@code reload.interval=0s}).
 *
 * <p>Polling rather than {@code java.nio.file.WatchService}: a watch service sees no change when a ConfigMap swaps a
 * symbolic link above the watched folder, and falls back to polling on several platforms anyway.
 */
public final class FileReload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileReload.class);

    private final Duration interval;
    private final List<DirectoryWatch> watches = new ArrayList<>();
    private ScheduledExecutorService thread;

    private FileReload(Duration interval) {
        this.interval = interval;
    }

    /** Reloads every {@code interval}; zero or negative: {@link #off()}. */
    public static FileReload every(Duration interval) {
        return new FileReload(interval);
    }

    public static FileReload off() {
        return new FileReload(Duration.ZERO);
    }

    public boolean enabled() {
        return !interval.isNegative() && !interval.isZero();
    }

    /** Watches a folder from {@link #start()} on; ignored when reload is off. */
    public synchronized void watch(DirectoryWatch watch) {
        if (enabled()) {
            watches.add(watch);
        }
    }

    /** Starts polling (the first poll at once); nothing happens when nothing is watched. */
    public synchronized void start() {
        if (watches.isEmpty() || thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "trailwatch-file-reload");
            t.setDaemon(true);
            return t;
        });
        List<DirectoryWatch> all = List.copyOf(watches);
        thread.scheduleWithFixedDelay(() -> all.forEach(FileReload::pollSafely), 0, interval.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("watching {} for changes every {} ms", all.stream().map(DirectoryWatch::root).toList(),
                interval.toMillis());
    }

    /** One poll of every folder now, on the caller's thread (what the reload thread does every interval). */
    public void pollNow() {
        List<DirectoryWatch> all;
        synchronized (this) {
            all = List.copyOf(watches);
        }
        all.forEach(FileReload::pollSafely);
    }

    /** A failure of one poll (a bug on unforeseen input) must not end the periodic task, nor stop the detector. */
    private static void pollSafely(DirectoryWatch watch) {
        try {
            watch.poll();
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warn("re-reading {} failed; the rules and tuning in force stay, next try in one interval",
                    watch.root(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
