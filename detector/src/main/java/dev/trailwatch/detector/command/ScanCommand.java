package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.Sizes;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.embedded.DataDirs;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.pipeline.BoundedFeed;
import dev.trailwatch.detector.pipeline.DetectorThread;
import dev.trailwatch.detector.pipeline.EventTimeSorter;
import dev.trailwatch.detector.pipeline.ExportIndex;
import dev.trailwatch.detector.pipeline.FileTimeBounds;
import dev.trailwatch.detector.pipeline.ReplaySettings;
import dev.trailwatch.detector.pipeline.ScanDriver;
import dev.trailwatch.detector.pipeline.ScanFeed;
import dev.trailwatch.detector.pipeline.SortWindow;
import dev.trailwatch.detector.pipeline.TrailObject;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.topology.DetectorInstance;
import dev.trailwatch.detector.topology.TopicSpec;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.tuning.TuningSet;
import dev.trailwatch.ingest.reader.CloudTrailFiles;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.EventTimes;
import dev.trailwatch.ingest.reader.RecordSink;
import dev.trailwatch.ingest.s3.S3Uri;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trailwatch scan}: the production topology over CloudTrail history, driven in this process without a broker
 * ({@link ScanDriver}). Input is put
 * into event-time order first (whatever the order of arguments, files, keys or records), so a replay gives the live
 * answer; the scan ends when every record is processed and every window closed, and alerts are written in a
 * deterministic order.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run every detection over CloudTrail log files, folders (.json, .json.gz, .jsonl; recursive; "
                + "digest files skipped) and s3://bucket/prefix locations, in event-time order.",
                "Alerts go to stdout (or --out) in the order of their first event; a summary "
                        + "'N events, M alerts, K rejected' goes to stderr. Exit 0; 1 with --fail-on when an alert at "
                        + "or above that severity was found; 2 for a usage error (a path with no CloudTrail files)."})
public final class ScanCommand implements Callable<Integer> {

    /**
     * S3 objects read at a time by default. A GET of a CloudTrail object waits ~20-50 ms on S3, so N in flight bound
     * the scan at ~N / latency objects/s (8: ~270 at 30 ms); and an object from S3 costs the scan ~4-5 ms of CPU
     * (~2-3 ms more than from disk: the GET, and the hour held in the sort), so two cores read at most ~400-500
     * objects/s. 24 keep two cores busy up to ~45 ms a GET, or three at 30 ms (docs/performance.md, session
     * 20). Each object in flight holds its records until the scan reaches it, a few hundred KB for a typical file,
     * and all of them together at most ~12,000 records however large the files (8 held ~9,000: {@code ReadAhead});
     * 1,000 GETs/s would be a fifth of what S3 serves from one prefix (5,500/s), and a trail spreads its objects over
     * a prefix per account and region.
     */
    static final int DEFAULT_S3_CONCURRENCY = 24;
    /**
     * The most: the S3 client keeps 50 connections (the SDK's default), and a reader holds its GET's connection until
     * the scan has taken the object's records, so more readers than connections (with one left for the listing,
     * which runs on the scan's own thread) could leave the object the scan waits for queued behind later ones; and a
     * scan that starts over (the input's order was not kept) closes its first readers while the new ones open, so at
     * most half the pool. (Since a half-read stream is aborted on close, {@code S3Objects.open}, the first readers
     * let their connections go at once; a higher maximum was not measured.)
     */
    static final int MAX_S3_CONCURRENCY = 24;
    private static final int WIDER_PASSES = 2;
    private static final Comparator<Alert> OUTPUT_ORDER = Comparator.comparing(Alert::firstEventTime)
            .thenComparing(Alert::ruleId).thenComparing(Alert::alertId).thenComparingLong(Alert::eventCount)
            .thenComparing(Alert::lastEventTime);

    /** Output formats. */
    enum Format { json, text }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--out", paramLabel = "FILE", description = "Write alerts here instead of stdout.")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
            description = "json (one alert contract object per line, the default) or text (the demo's lines).")
    Format format;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only events at or after TIME (ISO-8601, e.g. 2026-11-01T00:00:00Z or 2026-11-01).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only events before TIME (ISO-8601).")
    String until;

    @Option(names = "--accounts", paramLabel = "ID", split = ",",
            description = "Only these accounts (recipientAccountId); in S3 only their folders are listed.")
    List<String> accounts = new ArrayList<>();

    @Option(names = "--regions", paramLabel = "REGION", split = ",",
            description = "Only these regions (awsRegion); in S3 only their folders are listed.")
    List<String> regions = new ArrayList<>();

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "Exit 1 when an alert at or above SEVERITY (INFO, LOW, MEDIUM, HIGH, CRITICAL) is found.")
    String failOn;

    @Option(names = "--sort-window", paramLabel = "auto|none|DURATION", defaultValue = "auto",
            description = "When sorted events may go on before the whole input is read, by the delivery times in "
                    + "CloudTrail file names. auto (default): a local tree behind them by the largest delivery lag "
                    + "seen less half of reorder.horizon (the detector orders what arrives within the horizon), S3 "
                    + "an hour or twice that lag behind; should the input turn out to be out of order beyond "
                    + "reorder.horizon, a local tree is read again in the order of its files' least event times, S3 "
                    + "with a wider window. none: an exact sort of the "
                    + "whole input. A duration (e.g. 1h): that far behind, with no check. A single file without "
                    + "such a name (a JSON-lines export) goes by its own event times (an hour, or twice the largest "
                    + "step back seen); several are sorted whole.")
    String sortWindow;

    @Option(names = "--sort-memory", paramLabel = "SIZE",
            description = "Records held in memory while sorting before a sorted run is spilled to disk "
                    + "(default: a sixteenth of the JVM's heap, at most 64MB).")
    String sortMemory;

    @Option(names = "--s3-concurrency", paramLabel = "N",
            description = "S3 objects read at a time (GETs in flight), 1-" + MAX_S3_CONCURRENCY + " (default "
                    + DEFAULT_S3_CONCURRENCY + "). Against S3 a scan is bound by GET latency: at 30 ms a GET, N "
                    + "give at most ~N/0.03 objects/s. The alerts do not depend on it.")
    String s3Concurrency;

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "CloudTrail log files, folders, or s3://bucket/prefix locations (AWS credentials, region and "
                    + "endpoint from the SDK's standard settings; TRAILWATCH_S3_PATH_STYLE=true for path-style).")
    List<String> paths;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Severity threshold = failOn == null ? null : Severity.parse(failOn);
        int s3Readers = s3Concurrency(s3Concurrency);
        DetectorConfig config = ReplaySettings.under(options.load().with(Map.of("application.id", "trailwatch-scan")));
        SortWindow window = SortWindow.parse(sortWindow, config.get(Settings.REORDER_HORIZON));
        ScanFilter filter = new ScanFilter(instant("--since", since), instant("--until", until),
                new HashSet<>(accounts), new HashSet<>(regions),
                window.window() == null ? SortWindow.AUTO_WINDOW : window.window());
        OutputFile.check("--out", out);
        // a single JSON-lines export is indexed while the rules and the detector start (ExportIndex)
        CompletableFuture<ExportIndex> index = indexInBackground();
        // local files and folders are listed while the rules and the detector start
        CompletableFuture<ScanInputs> listing = listInBackground(filter);
        // a bad file in rules.dir or tuning.dir fails here, before anything is read; each pass detects with these
        RulePack rules = DetectorInstance.loadRules(config);
        TuningSet tuning = DetectorInstance.loadTuning(config, rules);
        ScanInputs local = joined(listing); // a path that holds no log file fails here, after the rules and tuning
        // a local tree whose delivery order breaks is read again in the order of its files' least event times
        // (FileTimeBounds, BoundedFeed): an exact watermark. A tree with files not named the CloudTrail way (JSON-lines
        // exports) is read that way at once: a file without a delivery time is held whole by the delivery-time read.
        List<TrailObject> tree = window.adaptive() && local != null ? local.localTree() : null;
        boolean byDelivery = tree != null && tree.stream().allMatch(o -> o.deliveredAt() != null);
        boolean boundsLeft = byDelivery;
        CompletableFuture<long[]> bounds = tree != null && !byDelivery
                ? FileTimeBounds.start(tree, Runtime.getRuntime().availableProcessors()) : null;
        PrintWriter err = spec.commandLine().getErr();
        Outcome outcome = null;
        SortWindow current = byDelivery ? window.releasingNearDelivery() : window;
        SortWindow afterBounds = window;
        boolean indexed = true;
        for (int pass = 1; outcome == null; pass++) {
            try {
                outcome = attempt(config, rules, tuning, filter, current, indexed ? index.join() : null, local,
                        bounds, s3Readers, err);
            } catch (BoundedFeed.BoundMissed e) {
                // the first pass misread a file's event times: read the files by their names, with the window the
                // delivery-time read was found to need (not that read again: it broke already)
                bounds = null;
                current = afterBounds;
                pass--;
                err.println("scan: " + e.getMessage() + "; reading the files again in the order of their names");
                err.flush();
            } catch (ExportIndex.NotIndexable e) {
                // the byte scan misjudged a line: read the file the usual way, which also reports what is wrong
                indexed = false;
                pass--;
                err.println("scan: " + e.getMessage() + "; reading the file again its usual way");
                err.flush();
            } catch (ScanFeed.OrderNotKept e) {
                if (boundsLeft) {
                    // a local tree: each file's least event time first (decoding every file once more), then the
                    // files in that order, released exactly behind them
                    boundsLeft = false;
                    afterBounds = e.wider();
                    bounds = FileTimeBounds.start(tree, Runtime.getRuntime().availableProcessors());
                    pass--;
                    err.println("scan: " + e.getMessage() + "; reading the files again in the order of their least "
                            + "event times");
                    err.flush();
                    continue;
                }
                // wide enough for what broke the order, which keeps memory bounded on months of history; after
                // WIDER_PASSES such passes, the exact sort, which cannot fail this way
                current = pass <= WIDER_PASSES ? e.wider() : SortWindow.exact();
                err.println("scan: " + e.getMessage() + "; scanning again from the start with " + (current.window()
                        == null ? "an exact sort of the whole input" : "a sort window of at least "
                        + Durations.format(current.window())) + " (--sort-window none sorts the whole input at once)");
                err.flush();
            }
        }
        TrailWatchMetrics metrics = outcome.metrics();
        List<Alert> sorted = new ArrayList<>(outcome.alerts());
        sorted.sort(OUTPUT_ORDER);
        write(sorted, Topics.from(config).alerts());
        err.printf("%d events, %d alerts, %d rejected%s%n", metrics.eventsRead(), sorted.size(),
                outcome.readerRejected() + metrics.eventsRejected(),
                Summary.breakdown(outcome.readerRejected(), metrics));
        if (metrics.alertsExcepted() + metrics.alertsDisabled() > 0) {
            err.printf("%d alerts kept out by tuning.dir: %d excepted, %d of disabled rules%n",
                    metrics.alertsExcepted() + metrics.alertsDisabled(), metrics.alertsExcepted(),
                    metrics.alertsDisabled());
        }
        if (outcome.behind() > 0) {
            err.printf("%d events arrived after events up to %s later had been sent on%s%n", outcome.behind(),
                    Durations.format(Duration.ofMillis(outcome.worstBehindMillis())), window.adaptive()
                            ? " (within reorder.horizon: the same alerts as an exact sort)"
                            : " (more than --sort-window after later ones)");
        }
        printCost(err, started, metrics.eventsRead());
        err.flush();
        return threshold != null && sorted.stream().anyMatch(a -> a.severity().atLeast(threshold)) ? 1 : 0;
    }

    /**
     * What the scan cost: wall time, and the CPU time of this process (every thread: reading, sorting,
     * the detector), which says more than a rate when the machine is shared.
     */
    private static void printCost(PrintWriter err, long started, long events) {
        double seconds = (System.nanoTime() - started) / 1e9;
        String cpu = "";
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            cpu = String.format(Locale.ROOT, ", %.1f s CPU", os.getProcessCpuTime() / 1e9);
        }
        err.printf(Locale.ROOT, "scan took %.1f s%s, %,.0f events/s%n", seconds, cpu, events / seconds);
    }

    /** What one pass over the input found. */
    private record Outcome(List<Alert> alerts, TrailWatchMetrics metrics, long readerRejected, long behind,
                           long worstBehindMillis) {
    }

    /**
     * One pass: a fresh detector, the input read in scan order, sorted within {@code window}, detected, flushed.
     * Throws {@link ScanFeed.OrderNotKept} when an adaptive window finds the input out of order beyond the reorder
     * horizon (after closing everything it started).
     */
    private Outcome attempt(DetectorConfig config, RulePack rules, TuningSet tuning, ScanFilter filter,
                            SortWindow window, ExportIndex index, ScanInputs local,
                            CompletableFuture<long[]> bounds, int s3Readers, PrintWriter err) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        FlushSignal flush = FlushSignal.onRequest();
        Path spill = Files.createTempDirectory("trailwatch-scan-sort-");
        AtomicLong unreadable = new AtomicLong();
        long behind;
        long worstBehind;
        // local inputs are listed once, before the first pass (closing them closes nothing)
        try (ScanInputs inputs = local != null ? local : ScanInputs.of(paths, filter)) {
            var objects = inputs.objects(); // S3 is listed before anything else: a wrong bucket fails at once
            ScanProgress progress = new ScanProgress(err, inputs.hasS3() ? -1 : inputs.localObjects(),
                    inputs.localBytes());
            // the reader threads read and parse, this thread sorts; the detector runs on a thread of its own and
            // gets each record in event-time order, parsed
            try (ScanDriver detector = ScanDriver.start(config, rules, tuning, metrics, flush,
                    alerts::add);
                 DetectorThread detecting = new DetectorThread(detector);
                 EventTimeSorter sorter = new EventTimeSorter(sortMemoryBytes(bounds != null), spill,
                         detecting.sink())) {
                TrailObject export = index == null ? null : inputs.onlyLocalObject();
                long objectsRead;
                long filtered;
                if (export != null && filter.mayHold(export)) {
                    // the export's records in event-time order straight from the file: an exact sort, none held
                    long read = index.feed(detector.readerParser(), export.location(), export.source(),
                            filter::accepts, detecting.sink());
                    progress.objectDone(export, read);
                    objectsRead = 1;
                    filtered = index.filtered();
                } else if (bounds != null) {
                    // a local tree in the order of its files' least event times, released exactly behind them
                    BoundedFeed feed = new BoundedFeed(sorter, filter::accepts, detector.readerParser(),
                            detecting.outlet());
                    feed.feed(inputs.localTree(), bounds.join(), rejectedSink(err, unreadable), progress::objectDone,
                            localReadThreads());
                    objectsRead = feed.objects();
                    filtered = feed.filtered();
                } else {
                    ScanFeed feed = new ScanFeed(sorter, window, filter::mayHold, filter::accepts,
                            detector.readerParser());
                    feed.feed(objects, rejectedSink(err, unreadable), progress::objectDone,
                            inputs.hasS3() ? s3Readers : localReadThreads());
                    objectsRead = feed.objects();
                    filtered = feed.filtered();
                }
                err.printf("read %d objects%s%n", objectsRead, filter.narrows()
                        ? ", " + filtered + " records outside --since/--until/--accounts/--regions" : "");
                detecting.finish();
                detector.finish();
                behind = sorter.behindWatermark();
                worstBehind = sorter.worstBehindMillis();
            }
        } finally {
            DataDirs.deleteRecursively(spill);
        }
        return new Outcome(alerts, metrics, unreadable.get(), behind, worstBehind);
    }

    /**
     * Starts indexing the input on a thread of its own when it is a single local file not named the CloudTrail way (a
     * JSON-lines export): the index is ready, or nearly, when the detector has started. Completes with null when the
     * input is anything else or the file is not one {@link ExportIndex} reads (it is then read the usual way).
     */
    private CompletableFuture<ExportIndex> indexInBackground() {
        CompletableFuture<ExportIndex> index = new CompletableFuture<>();
        Path file = paths.size() == 1 && !S3Uri.isS3Uri(paths.get(0)) ? Path.of(paths.get(0)) : null;
        if (file == null || !Files.isRegularFile(file) || file.getFileName() == null
                || CloudTrailFiles.parseName(file.getFileName().toString()) != null) {
            index.complete(null);
            return index;
        }
        long memory = sortMemoryBytes(false);
        Thread thread = new Thread(() -> {
            try {
                index.complete(ExportIndex.build(file, memory));
            } catch (IOException | RuntimeException e) {
                index.complete(null); // the usual read reports what is wrong with the file
            } finally {
                index.complete(null);
            }
        }, "trailwatch-scan-index");
        thread.setDaemon(true);
        thread.start();
        return index;
    }

    /**
     * Lists the input on a thread of its own when it is only local files and folders (S3 is listed by the pass that
     * reads it): completes with null for an input with S3 locations, exceptionally when a path holds no log file.
     */
    private CompletableFuture<ScanInputs> listInBackground(ScanFilter filter) {
        if (paths.stream().anyMatch(S3Uri::isS3Uri)) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ScanInputs.of(paths, filter);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> {
            Thread thread = new Thread(task, "trailwatch-scan-list");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** The listing's result, or what failed it, as listing on this thread would have thrown it. */
    private static ScanInputs joined(CompletableFuture<ScanInputs> listing) throws IOException {
        try {
            return listing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** Where the reader reports files and records it cannot read: counted, and named on stderr. */
    private static RecordSink rejectedSink(PrintWriter err, AtomicLong count) {
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                throw new IllegalStateException("records go to the sorter, not here");
            }

            @Override
            public void rejected(String where, String reason) {
                count.incrementAndGet();
                err.println("rejected: " + where + ": " + reason);
            }
        };
    }

    /**
     * Local files read at a time: they wait on decompression and the JSON scan, one core each (S3 objects wait on the
     * network: {@code --s3-concurrency}).
     */
    private static int localReadThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /** {@code --s3-concurrency}: a whole number from 1 to {@value #MAX_S3_CONCURRENCY}, or the default when unset. */
    static int s3Concurrency(String text) {
        if (text == null) {
            return DEFAULT_S3_CONCURRENCY;
        }
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > MAX_S3_CONCURRENCY) {
            throw new IllegalArgumentException("--s3-concurrency '" + text + "' is not a whole number from 1 to "
                    + MAX_S3_CONCURRENCY + " (S3 objects read at a time; default " + DEFAULT_S3_CONCURRENCY + ")");
        }
        return n;
    }

    /**
     * The sort's memory before it spills a run. Records held in the heap are live data every collection copies or
     * marks, and a held hour of a large history spills anyway: with -Xmx512m, 32MB instead of 128MB took 0.1-1.5 s CPU
     * less on each of six 300,000-event scans (sorted, unsorted, S3 tree) and 70-135 MB less RSS
     * (docs/performance.md#scan). A tree read in the order of its files' event times ({@code bounded}) holds only
     * the records of files whose time ranges overlap, records it must hold anyway: twice that, so that an
     * organization of ~100 events/s (~40MB held) is not written to disk and read back record by record. (Read by
     * its delivery times, a tree holds little: CloudTrail's own files go on as they are read.)
     */
    private long sortMemoryBytes(boolean bounded) {
        if (sortMemory != null) {
            return Sizes.parse(sortMemory);
        }
        long heap = Runtime.getRuntime().maxMemory();
        return bounded ? Math.min(128L << 20, heap / 8) : Math.min(64L << 20, heap / 16);
    }

    private static Instant instant(String option, String text) {
        if (text == null) {
            return null;
        }
        String value = text.length() == 10 ? text + "T00:00:00Z" : text;
        try {
            return Instant.ofEpochMilli(EventTimes.parseMillis(value));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not an ISO-8601 time such as "
                    + "2026-11-01T00:00:00Z (without a zone: UTC), or a date such as 2026-11-01 (UTC)", e);
        }
    }

    /** JSON lines in the configured {@code alerts.format} (the native contract or OCSF findings), or text lines. */
    private void write(List<Alert> alerts, TopicSpec<String, Alert> topic) throws IOException {
        Serializer<Alert> json = topic.valueSerde().serializer();
        if (out == null) {
            Writer stdout = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            writeLines(alerts, json, topic.name(), stdout);
            stdout.flush(); // stdout stays open
            return;
        }
        try (Writer file = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            writeLines(alerts, json, topic.name(), file);
        }
    }

    private void writeLines(List<Alert> alerts, Serializer<Alert> json, String topic, Writer lines)
            throws IOException {
        for (Alert alert : alerts) {
            lines.write(format == Format.text ? AlertLine.format(alert)
                    : new String(json.serialize(topic, alert), StandardCharsets.UTF_8));
            lines.write(System.lineSeparator());
        }
    }
}
