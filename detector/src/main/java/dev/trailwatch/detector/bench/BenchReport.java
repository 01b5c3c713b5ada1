package dev.trailwatch.detector.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** What {@code trailwatch bench} measured: a table and a last line for people, the same as JSON for scripts. */
final class BenchReport {

    private final Map<String, Object> result = new LinkedHashMap<>();
    private long ceiling;
    private long baseline;
    private long detector;
    private final List<Long> baselineRounds = new ArrayList<>();
    private final List<Long> detectorRounds = new ArrayList<>();
    private final List<List<Long>> baselineTenths = new ArrayList<>();
    private final List<List<Long>> detectorTenths = new ArrayList<>();
    private final Set<String> detectorMissed = new TreeSet<>();
    private Map<String, Object> latency;
    private long detectorRss = -1;

    BenchReport(long events, int accounts, long principals, int partitions, double warmup, String detectorJvm,
                int rounds) {
        result.put("events", events);
        result.put("accounts", accounts);
        result.put("principals", principals);
        result.put("partitions", partitions);
        result.put("warmup_share", warmup);
        result.put("detector_jvm", detectorJvm);
        result.put("rounds", rounds);
        result.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version")));
    }

    /** The {@code --detector-config} settings the run used (none: the detector's defaults). */
    void detectorSettings(Map<String, String> settings) {
        result.put("detector_config", new TreeMap<>(settings));
    }

    void preload(long avgBytes, long eventsPerSecond, int attacks) {
        result.put("avg_record_bytes", avgBytes);
        result.put("preload_events_per_s", eventsPerSecond);
        result.put("injected_attacks", attacks);
    }

    void ceiling(Throughput.Rate rate) {
        ceiling = rate.perSecond();
        result.put("ceiling_events_per_s", ceiling);
    }

    /**
     * One interleaved baseline/detector round. The headline figures are each stage's best round: noise on a shared
     * machine only ever slows a stage down, and interleaving keeps a slow spell from hitting just one of them.
     */
    void round(Throughput.Rate baselineRate, Throughput.Rate detectorRate, List<String> missed, int attacks,
               List<DetectorStage.Progress> timeline) {
        baselineRounds.add(baselineRate.perSecond());
        detectorRounds.add(detectorRate.perSecond());
        baselineTenths.add(baselineRate.tenths());
        detectorTenths.add(detectorRate.tenths());
        baseline = Collections.max(baselineRounds);
        detector = Collections.max(detectorRounds);
        detectorMissed.addAll(missed);
        result.put("baseline_events_per_s", baseline);
        result.put("detector_events_per_s", detector);
        result.put("baseline_rounds_events_per_s", baselineRounds);
        result.put("detector_rounds_events_per_s", detectorRounds);
        result.put("baseline_tenths_events_per_s", baselineTenths);
        result.put("detector_tenths_events_per_s", detectorTenths);
        result.put("attacks_alerted_per_round", attacks - missed.size());
        result.put("attacks_missed", List.copyOf(detectorMissed));
        result.put("ratio", Math.round(ratio() * 1000) / 1000.0);
        result.put("detector_timeline", timeline);
    }

    void latency(Map<String, Object> latency) {
        this.latency = latency;
        result.put("latency", latency);
    }

    void detectorProcess(long alerts, long peakRssMb, Map<String, Long> stateEntries, long stateBytes) {
        detectorRss = peakRssMb;
        result.put("alerts", alerts);
        result.put("peak_rss_mb", peakRssMb);
        result.put("state_store_entries", stateEntries);
        result.put("state_dir_bytes", stateBytes);
    }

    private Map<String, Object> scan;

    void scan(Map<String, Object> scan) {
        this.scan = scan;
        result.put("scan", scan);
    }

    @SuppressWarnings("unchecked")
    String scanLine() {
        return ((List<Map<String, Object>>) scan.get("runs")).stream()
                .map(r -> String.format(Locale.ROOT, "%s: %,d ev/s, %s s CPU, %s MB RSS, late %s%s", r.get("input"),
                        (Long) r.get("events_per_s"), r.get("cpu_s"), r.get("peak_rss_mb"), r.get("late"),
                        Boolean.TRUE.equals(r.get("rescanned")) ? ", scanned twice" : ""))
                .collect(Collectors.joining("; "));
    }

    void benchJvmRss(long mb) {
        result.put("bench_jvm_peak_rss_mb", mb);
    }

    long ceiling() {
        return ceiling;
    }

    double ratio() {
        return baseline == 0 ? 0 : (double) detector / baseline;
    }

    boolean allAlerted() {
        return detectorMissed.isEmpty() && (latency == null || ((List<?>) latency.get("attacks_missed")).isEmpty());
    }

    String latencyLine() {
        return String.format(Locale.ROOT, "p50 %s ms, p99 %s ms, max %s ms (%s samples at %,d ev/s, %s achieved)",
                latency.get("p50_ms"), latency.get("p99_ms"), latency.get("max_ms"), latency.get("samples"),
                (Integer) latency.get("rate"), latency.get("achieved_rate"));
    }

    void print(PrintWriter out) {
        out.printf("%-34s %s%n", "stage", "result");
        out.printf("%-34s %,d events, avg %s B, %s accounts, %s principals, %s partition(s)%n", "pre-load",
                (Long) result.get("events"), result.get("avg_record_bytes"), result.get("accounts"),
                result.get("principals"), result.get("partitions"));
        String steady = String.format(Locale.ROOT, "(after the first %.0f%%)",
                100 * (Double) result.get("warmup_share"));
        out.printf("%-34s %,d ev/s %s%n", "1. ceiling (consumer + parse)", ceiling, steady);
        out.printf("%-34s %,d ev/s (best of %s)%n", "2. streams baseline (EOS v2)", baseline, rounds(baselineRounds));
        out.printf("%-34s %,d ev/s (best of %s), ratio %.3f, %s/%s attacks alerted%n", "3. detector (EOS v2)",
                detector, rounds(detectorRounds), ratio(), result.get("attacks_alerted_per_round"),
                result.get("injected_attacks"));
        for (int round = 0; round < detectorTenths.size(); round++) {
            String label = detectorTenths.size() == 1 ? "   each tenth, 1,000 ev/s"
                    : "   each tenth, round " + (round + 1) + ", 1,000 ev/s";
            out.printf("%-34s baseline %s; detector %s%n", label, thousands(baselineTenths.get(round)),
                    thousands(detectorTenths.get(round)));
        }
        if (latency != null) {
            out.printf("%-34s %s%n", "4. latency produce->alert", latencyLine());
        }
        Map<?, ?> entries = (Map<?, ?>) result.get("state_store_entries");
        long total = entries == null ? 0 : entries.values().stream().mapToLong(v -> (Long) v).sum();
        out.printf("%-34s %s MB peak RSS (%s), state %,d entries, %,d KB on disk%n", "detector process", detectorRss,
                result.get("detector_jvm"), total, (Long) result.get("state_dir_bytes") / 1024);
        if (scan != null) {
            out.printf("%-34s %,d events (%s MB JSON lines, %s .json.gz files), end to end incl. JVM start%n",
                    "5. scan", (Long) scan.get("events"), scan.get("json_mb"), scan.get("gz_files"));
            for (String line : scanLine().split("; ")) {
                out.printf("%-34s %s%n", "", line);
            }
        }
        out.printf(Locale.ROOT, "bench: detector=%d baseline=%d ceiling=%d ratio=%.3f p99_ms=%s rss_mb=%d%n",
                detector, baseline, ceiling, ratio(), latency == null ? "n/a" : latency.get("p99_ms"), detectorRss);
        out.flush();
    }

    /** A stage's rate in each tenth of its events, in thousands: where its warm-up ends. */
    private static String thousands(List<Long> tenths) {
        return tenths.stream().map(r -> Long.toString(Math.round(r / 1000.0))).collect(Collectors.joining(" "));
    }

    private static String rounds(List<Long> perRound) {
        return perRound.stream().map(r -> String.format(Locale.ROOT, "%,d", r)).collect(Collectors.joining(" / "));
    }

    void write(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
    }

    /** This JVM's resident-set high-water mark (broker, generator and stages 1-2), in MB, or -1 off Linux. */
    static long ownPeakRssMb() {
        long kb = AppProcess.statusKb("self", "VmHWM:");
        return kb < 0 ? -1 : kb / 1024;
    }
}
