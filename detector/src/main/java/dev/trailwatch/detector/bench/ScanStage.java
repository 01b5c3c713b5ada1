package dev.trailwatch.detector.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stage 5: {@code trailwatch scan} as a user runs it (its own JVM: ordering, the in-process detector, end-of-input
 * flush) over the same generated history as JSON lines in order, the same lines unsorted, and a CloudTrail S3-layout
 * tree of {@code .json.gz} files. Events/s is end to end (JVM and detector start included); RSS is the scan process's
 * peak.
 */
final class ScanStage {

    /**
     * What the {@code trailwatch} launcher adds for {@code scan} unless {@code TRAILWATCH_SCAN_JAVA_OPTS} says
     * otherwise: the stage measures scan as the launcher runs it, with the class-data sharing archive beside the jar
     * when the launcher would map it too ({@link #classDataSharing}).
     */
    static final String LAUNCHER_SCAN_JVM =
            "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC -XX:NewRatio=1 -XX:SurvivorRatio=3 -XX:MetaspaceSize=256m";

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) events, (\\d+) alerts, (\\d+) rejected(.*)");
    private static final Pattern COST = Pattern.compile("scan took [0-9.]+ s, ([0-9.]+) s CPU.*");

    private ScanStage() {
    }

    static Map<String, Object> run(Path work, long seed, int accounts, long events, List<String> jvm,
                                   Duration timeout) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("scan"));
        long t0 = System.nanoTime();
        ScanFixtures fixtures = ScanFixtures.write(dir, seed, accounts, events);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", events);
        result.put("json_mb", fixtures.jsonBytes() / (1024 * 1024));
        result.put("gz_files", fixtures.treeFiles());
        result.put("fixture_seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        List<String> scanJvm = new ArrayList<>(classDataSharing(System.getProperty("java.class.path", ""),
                System.getenv("TRAILWATCH_CDS")));
        scanJvm.addAll(scanJvmOptions());
        scanJvm.addAll(jvm);
        result.put("scan_jvm", String.join(" ", scanJvm));
        List<Map<String, Object>> runs = new ArrayList<>();
        runs.add(scan("sorted JSON lines", fixtures.sorted(), dir, scanJvm, timeout));
        runs.add(scan("unsorted JSON lines", fixtures.unsorted(), dir, scanJvm, timeout));
        runs.add(scan(".json.gz S3-layout tree", fixtures.tree(), dir, scanJvm, timeout));
        result.put("runs", runs);
        return result;
    }

    /**
     * The launcher's class-data sharing options ({@code scripts/cds-archive.sh}, {@code trailwatch}): the archive
     * {@code mvn package} wrote beside the jar on {@code classPath}, when it is newer than the jar and has the size
     * written with it, unless {@code TRAILWATCH_CDS} is {@code off}; else none.
     */
    static List<String> classDataSharing(String classPath, String setting) {
        if ("off".equals(setting) || !classPath.endsWith(".jar") || classPath.contains(java.io.File.pathSeparator)) {
            return List.of();
        }
        Path jar = Path.of(classPath);
        Path archive = Path.of(classPath.substring(0, classPath.length() - ".jar".length()) + ".jsa");
        try {
            boolean whole = Long.parseLong(Files.readString(Path.of(archive + ".size")).trim()) == Files.size(archive);
            boolean newer = Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
            return whole && newer ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off") : List.of();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    private static List<String> scanJvmOptions() {
        String configured = System.getenv("TRAILWATCH_SCAN_JAVA_OPTS");
        String options = configured == null ? LAUNCHER_SCAN_JVM : configured;
        return Arrays.stream(options.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    }

    private static Map<String, Object> scan(String name, Path input, Path dir, List<String> jvm, Duration timeout)
            throws IOException, InterruptedException {
        Path log = dir.resolve(input.getFileName() + ".log");
        long t0 = System.nanoTime();
        int exit;
        long rss;
        try (AppProcess scan = AppProcess.scan(List.of("--out", dir.resolve("alerts.jsonl").toString(),
                input.toString()), jvm, log)) {
            exit = scan.awaitExit(timeout);
            rss = scan.peakRssMb();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String summary = Files.readAllLines(log).stream().filter(l -> SUMMARY.matcher(l).matches())
                .reduce((a, b) -> b).orElse("");
        Matcher m = SUMMARY.matcher(summary);
        long events = m.matches() ? Long.parseLong(m.group(1)) : 0;
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("input", name);
        run.put("exit", exit);
        run.put("seconds", Math.round(seconds * 10) / 10.0);
        run.put("events_per_s", Math.round(events / seconds));
        run.put("peak_rss_mb", rss);
        run.put("summary", summary);
        run.put("late", m.matches() && m.group(4).contains("late") ? lateCount(m.group(4)) : 0);
        List<String> lines = Files.readAllLines(log);
        // the scan process's own CPU time (all its threads): comparable where wall-clock rates are not
        run.put("cpu_s", lines.stream().map(COST::matcher).filter(Matcher::matches)
                .map(c -> Double.parseDouble(c.group(1))).findFirst().orElse(-1.0));
        // --sort-window auto found the input out of order beyond the horizon and scanned it again: with a wider
        // window, or (a local tree) in the order of its files' least event times
        run.put("rescanned", lines.stream().anyMatch(l -> l.contains("scanning again")
                || l.contains("reading the files again")));
        return run;
    }

    private static long lateCount(String breakdown) {
        Matcher m = Pattern.compile("late (\\d+)").matcher(breakdown);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
