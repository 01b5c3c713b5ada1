package dev.trailwatch.detector.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** What {@code trailwatch bench} measured: a table and a last line for people, the same as JSON for scripts. */
final class BenchReport {

    private final Map<String, Object> result = new LinkedHashMap<>();
    private long ceiling;
    private long baseline;
    private long detector;
    private List<String> detectorMissed = List.of();
    private Map<String, Object> latency;
    private long detectorRss = -1;

    BenchReport(long events, int accounts, long principals, int partitions, double warmup, String detectorJvm) {
        result.put("events", events);
        result.put("accounts", accounts);
        result.put("principals", principals);
        result.put("partitions", partitions);
        result.put("warmup_share", warmup);
        result.put("detector_jvm", detectorJvm);
        result.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version")));
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

    void baseline(Throughput.Rate rate) {
        baseline = rate.perSecond();
        result.put("baseline_events_per_s", baseline);
    }

    void detector(Throughput.Rate rate, List<String> missed, int attacks, List<DetectorStage.Progress> timeline) {
        detector = rate.perSecond();
        detectorMissed = missed;
        result.put("detector_events_per_s", detector);
        result.put("attacks_alerted", attacks - missed.size());
        result.put("attacks_missed", missed);
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

    void benchJvmRss(long mb) {
        result.put("bench_jvm_peak_rss_mb", mb);
    }

    long ceiling() {
        return ceiling;
    }

    long baseline() {
        return baseline;
    }

    long detector() {
        return detector;
    }

    int detectorMissed() {
        return detectorMissed.size();
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
        String steady = String.format(Locale.ROOT, "(after the first %.0f%%)", 100 * (Double) result.get("warmup_share"));
        out.printf("%-34s %,d ev/s %s%n", "1. ceiling (consumer + parse)", ceiling, steady);
        out.printf("%-34s %,d ev/s%n", "2. streams baseline (EOS v2)", baseline);
        out.printf("%-34s %,d ev/s, ratio %.3f, %s/%s attacks alerted%n", "3. detector (EOS v2, own JVM)", detector,
                ratio(), result.get("attacks_alerted"), result.get("injected_attacks"));
        if (latency != null) {
            out.printf("%-34s %s%n", "4. latency produce->alert", latencyLine());
        }
        Map<?, ?> entries = (Map<?, ?>) result.get("state_store_entries");
        long total = entries == null ? 0 : entries.values().stream().mapToLong(v -> (Long) v).sum();
        out.printf("%-34s %s MB peak RSS (%s), state %,d entries, %,d KB on disk%n", "detector process", detectorRss,
                result.get("detector_jvm"), total, (Long) result.get("state_dir_bytes") / 1024);
        out.printf(Locale.ROOT, "bench: detector=%d baseline=%d ceiling=%d ratio=%.3f p99_ms=%s rss_mb=%d%n",
                detector, baseline, ceiling, ratio(), latency == null ? "n/a" : latency.get("p99_ms"), detectorRss);
        out.flush();
    }

    void write(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
    }

    /** This JVM's resident-set high-water mark (broker, generator and stages 1-2), in MB, or -1 off Linux. */
    static long ownPeakRssMb() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmHWM:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
