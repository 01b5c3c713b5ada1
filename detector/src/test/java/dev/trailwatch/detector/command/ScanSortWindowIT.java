package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.trailwatch.detector.TestEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default {@code --sort-window auto} sends sorted events on while CloudTrail-named files are still being read,
 * and writes exactly what an exact sort of the whole input writes: on the bundled samples (files that each hold days)
 * with their records shuffled and their folders laid out differently; on the samples re-filed as CloudTrail delivers
 * (five-minute files per account and region, 5-12 minutes late, overlapping), read by their delivery times with no
 * second pass, the detector ordering what arrives within its horizon; on a local tree where one file holds an event
 * far older than its name says, or an hour older than events of files delivered before it (read again in the order
 * of its files' least event times: nothing sent behind in that pass; the window's own checks are ScanFeedTest's).
 * A plain
 * JSON-lines export out of order is read through its index instead, an exact sort with no second pass, and read again
 * the usual way when a line is not what its index took it for.
 */
class ScanSortWindowIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SAMPLES = Path.of("src/main/resources/samples");
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theSamplesShuffledWithinTheirFilesGiveTheExactSortsAlertsByDefault() throws IOException {
        Path shuffled = shuffledCopy(SAMPLES, dir.resolve("shuffled"));

        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", SAMPLES.toString());
        ScanRun merged = ScanRun.of(dir, shuffled.toString());

        assertThat(exact.exit()).as(exact.err()).isZero();
        assertThat(merged.exit()).as(merged.err()).isZero();
        assertThat(merged.err()).doesNotContain("scanning again").doesNotContainPattern("\\blate \\d");
        assertThat(exact.lines()).hasSizeGreaterThan(20);
        assertThat(merged.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(summary(merged)).isEqualTo(summary(exact));
    }

    @Test
    void theSamplesFiledAsCloudTrailDeliversThemAreReadByTheirDeliveryTimesWithoutASecondPass() throws IOException {
        Path tree = deliveredAsCloudTrailDoes(SAMPLES, dir.resolve("delivered"));

        ScanRun auto = ScanRun.of(dir, tree.toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", tree.toString());

        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.err()).doesNotContain("scanning again").doesNotContain("reading the files again")
                .doesNotContainPattern("\\blate \\d")
                .containsPattern("\\d+ events arrived after events up to \\S+ later had been sent on \\(within "
                        + "reorder.horizon: the same alerts as an exact sort\\)");
        assertThat(exact.lines()).hasSizeGreaterThan(20);
        assertThat(auto.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(summary(auto)).isEqualTo(summary(exact)).startsWith("1068 events, ").endsWith(" 0 rejected");
    }

    @Test
    void aFileFarOlderThanItsNameIsReadAgainInTheOrderOfTheFilesLeastEventTimes() throws IOException {
        Path logs = hourlyFiles();
        // delivered at 13:10 with an event of 10:30: 2h40m late, beyond an hour's window and the horizon
        TestEvents stopped = TestEvents.stopLogging(T0.plusSeconds(1_800)).user("mallory");
        writeGzip(logs.resolve(name(T0.plusSeconds(3 * 3_600 + 600), "delayed0")), stopped);

        ScanRun auto = ScanRun.of(dir, dir.resolve("AWSLogs").toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", dir.resolve("AWSLogs").toString());

        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.err()).contains("delayed0").contains("older than the delivery time in its name")
                .contains("reading the files again in the order of their least event times")
                .doesNotContain("scanning again").doesNotContain("events arrived after")
                .doesNotContainPattern("\\blate \\d");
        assertThat(auto.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(auto.lines()).anySatisfy(alert -> assertThat(alert)
                .contains("cloudtrail-logging-stopped").contains(stopped.eventId()));
        assertThat(summary(auto)).isEqualTo(summary(exact)).startsWith("9 events, ").endsWith(" 0 rejected");
    }

    @Test
    void aFileTheFirstPassMisreadsAfterTheDeliveryOrderBrokeIsReadAgainWithTheWindowTheBreakNeeded()
            throws IOException {
        Path logs = hourlyFiles();
        // delivered at 13:10 with an event of 10:30 whose key is written with a JSON escape: the delivery-time read
        // breaks on it, the least-event-time pass cannot see its time, so the read by bounds stops at it too
        TestEvents stopped = TestEvents.stopLogging(T0.plusSeconds(1_800)).user("mallory");
        Path delayed = logs.resolve(name(T0.plusSeconds(3 * 3_600 + 600), "escaped0"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(delayed))) {
            out.write(("{\"Records\":[" + stopped.json().toString().replace("\"eventTime\"", "\"event\\u0054ime\"") + "]}")
                    .getBytes(StandardCharsets.UTF_8));
        }

        ScanRun auto = ScanRun.of(dir, dir.resolve("AWSLogs").toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", dir.resolve("AWSLogs").toString());

        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.err()).contains("reading the files again in the order of their least event times")
                .contains("reading the files again in the order of their names")
                .doesNotContain("scanning again").doesNotContain("events arrived after")
                .doesNotContainPattern("\\blate \\d");
        assertThat(auto.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(auto.lines()).anySatisfy(alert -> assertThat(alert).contains(stopped.eventId()));
        assertThat(summary(auto)).isEqualTo(summary(exact)).startsWith("9 events, ").endsWith(" 0 rejected");
    }

    @Test
    void aTreeHoldingExportsIsReadByItsFilesLeastEventTimesAtOnce() throws IOException {
        hourlyFiles();
        // an export beside the CloudTrail files, out of order, covering their hours: a read by delivery times would
        // hold it whole
        StringBuilder lines = new StringBuilder();
        for (int m = 239; m >= 0; m -= 7) {
            lines.append(TestEvents.event("s3.amazonaws.com", "ListBuckets", T0.plusSeconds(m * 60L)).json())
                    .append('\n');
        }
        TestEvents stopped = TestEvents.stopLogging(T0.plusSeconds(5_400)).user("mallory");
        lines.append(stopped.json()).append('\n');
        Files.writeString(Files.createDirectories(dir.resolve("AWSLogs/exports")).resolve("athena.jsonl"), lines);

        ScanRun auto = ScanRun.of(dir, dir.resolve("AWSLogs").toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", dir.resolve("AWSLogs").toString());

        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.err()).doesNotContain("reading the files again").doesNotContain("scanning again")
                .doesNotContain("events arrived after").doesNotContainPattern("\\blate \\d");
        assertThat(auto.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(auto.lines()).anySatisfy(alert -> assertThat(alert).contains(stopped.eventId()));
        assertThat(summary(auto)).isEqualTo(summary(exact)).endsWith(" 0 rejected");
    }

    @Test
    void aFileDeliveredAnHourLateIsReadAgainBeforeTheEventsItPrecedesNothingSentBehind() throws IOException {
        Path logs = hourlyFiles();
        // delivered at 13:10 with an event of 11:54: read by delivery times it would go on behind events of 13:01
        TestEvents stopped = TestEvents.stopLogging(T0.plusSeconds(3_600 + 54 * 60)).user("mallory");
        writeGzip(logs.resolve(name(T0.plusSeconds(3 * 3_600 + 600), "delayed1")), stopped);

        ScanRun auto = ScanRun.of(dir, dir.resolve("AWSLogs").toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", dir.resolve("AWSLogs").toString());

        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.err()).contains("reading the files again in the order of their least event times")
                .doesNotContain("scanning again").doesNotContain("events arrived after");
        assertThat(auto.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(auto.lines()).anySatisfy(alert -> assertThat(alert).contains(stopped.eventId()));
        assertThat(summary(auto)).isEqualTo(summary(exact)).endsWith(" 0 rejected");
    }

    @Test
    void aSortedExportSentOnAsItIsReadThatThenStepsBackWithinTheHorizonGivesTheExactSortsAlerts() throws IOException {
        // a second apart from T0, in order: by the 3,001st record everything before second 2,048 has gone on to the
        // detector, so an event of second 1,719 arrives ~5 minutes behind them
        // the 20th of a burst of AccessDenied (19 in order before it, all in the 5-minute window of 10:25): only with
        // it does the burst reach its threshold
        Map<Integer, TestEvents> inOrder = new HashMap<>();
        for (int second = 1_700; second < 1_719; second++) {
            inOrder.put(second, denied(second));
        }
        TestEvents late = denied(1_719);
        // gzip: read as it streams (a plain file out of order is read through its index, an exact sort)
        Path export = gzipped(sortedExportWith(inOrder, late));

        ScanRun auto = ScanRun.of(dir, export.toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", export.toString());

        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.err()).doesNotContain("scanning again")
                .contains("1 events arrived after events up to").contains("(within reorder.horizon");
        assertThat(exact.err()).doesNotContain("arrived after");
        assertThat(auto.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(auto.lines()).anySatisfy(alert -> assertThat(alert)
                .contains("access-denied-burst").contains(late.eventId()));
        assertThat(summary(auto)).isEqualTo(summary(exact)).startsWith("6020 events, ").endsWith(" 0 rejected");
    }

    @Test
    void aPlainExportOutOfOrderIsReadThroughItsIndexInExactEventTimeOrderWithoutASecondPass() throws IOException {
        // the same export as above, plain: indexed while the detector starts, then read in event-time order
        TestEvents stopped = TestEvents.stopLogging(T0.plusSeconds(60)).user("mallory");
        Map<Integer, TestEvents> inOrder = new HashMap<>();
        for (int second = 1_700; second < 1_719; second++) {
            inOrder.put(second, denied(second));
        }
        Path export = sortedExportWith(inOrder, stopped);

        ScanRun indexed = ScanRun.of(dir, export.toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", gzipped(export).toString());

        assertThat(indexed.exit()).as(indexed.err()).isZero();
        assertThat(indexed.err()).doesNotContain("scanning again").doesNotContain("arrived after")
                .doesNotContain("its usual way").doesNotContainPattern("\\blate \\d");
        assertThat(indexed.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(indexed.lines()).anySatisfy(alert -> assertThat(alert).contains(stopped.eventId()));
        assertThat(summary(indexed)).isEqualTo(summary(exact)).startsWith("6020 events, ").endsWith(" 0 rejected");
    }

    @Test
    void aPlainExportWithALineTheIndexMisjudgesIsReadAgainItsUsualWayAndLosesNothing() throws IOException {
        // a malformed record that looks like a line of the export: the index takes it, the parse does not
        TestEvents stopped = TestEvents.stopLogging(T0.plusSeconds(60)).user("mallory");
        Path plain = sortedExportWith(Map.of(), stopped);
        String broken = "{\"eventTime\":\"" + T0.plusSeconds(30) + "\", \"eventName\": }";
        Files.writeString(plain, broken + "\n", java.nio.file.StandardOpenOption.APPEND);

        ScanRun indexed = ScanRun.of(dir, plain.toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", gzipped(plain).toString());

        assertThat(indexed.exit()).as(indexed.err()).isZero();
        assertThat(indexed.err()).contains("export.jsonl#6001 is not one plain record")
                .contains("reading the file again its usual way");
        assertThat(indexed.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(indexed.lines()).anySatisfy(alert -> assertThat(alert).contains(stopped.eventId()));
        assertThat(summary(indexed)).isEqualTo(summary(exact)).startsWith("6001 events, ")
                .endsWith(" 1 rejected (unreadable 1)");
    }

    /** {@code file} gzipped beside it: the same records, read as they stream (no index). */
    private static Path gzipped(Path file) throws IOException {
        Path gzip = file.resolveSibling(file.getFileName() + ".gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            Files.copy(file, out);
        }
        return gzip;
    }

    private static TestEvents denied(int second) {
        return TestEvents.event("s3.amazonaws.com", "GetObject", T0.plusSeconds(second)).user("mallory")
                .sourceIp("203.0.113.9").error("AccessDenied", "Access Denied");
    }

    @Test
    void aSortedExportSentOnAsItIsReadThatThenStepsBackBeyondTheHorizonIsScannedAgainHoldingTheWiderWindow()
            throws IOException {
        // second 60 after second 2,047 had gone on: 33 minutes behind, beyond reorder.horizon
        TestEvents stopped = TestEvents.stopLogging(T0.plusSeconds(60)).user("mallory");
        Path export = gzipped(sortedExportWith(Map.of(), stopped));

        ScanRun auto = ScanRun.of(dir, export.toString());
        ScanRun exact = ScanRun.of(dir, "--sort-window", "none", export.toString());

        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.err()).contains("scanning again from the start with a sort window of at least 98m")
                .doesNotContain("events arrived after");
        assertThat(auto.alertsWithoutDetectedAt()).isEqualTo(exact.alertsWithoutDetectedAt());
        assertThat(auto.lines()).anySatisfy(alert -> assertThat(alert).contains(stopped.eventId()));
        assertThat(summary(auto)).isEqualTo(summary(exact)).startsWith("6001 events, ");
    }

    /**
     * A JSON-lines export: 6,000 events a second apart from T0 in order, with {@code inOrder} after the event of their
     * second, and {@code late} after the first 3,000.
     */
    private Path sortedExportWith(Map<Integer, TestEvents> inOrder, TestEvents late) throws IOException {
        StringBuilder lines = new StringBuilder();
        String[][] calls = {{"iam.amazonaws.com", "ListUsers"}, {"ec2.amazonaws.com", "DescribeInstances"},
            {"s3.amazonaws.com", "ListBuckets"}};
        for (int second = 0; second < 6_000; second++) {
            if (second == 3_000) {
                lines.append(late.json()).append('\n');
            }
            String[] call = calls[second % calls.length];
            lines.append(TestEvents.event(call[0], call[1], T0.plusSeconds(second)).json()).append('\n');
            if (inOrder.containsKey(second)) {
                lines.append(inOrder.get(second).json()).append('\n');
            }
        }
        return Files.writeString(dir.resolve("export.jsonl"), lines);
    }

    /** One account's file each hour from T0, delivered 5 minutes after its two events. */
    private Path hourlyFiles() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20"));
        for (int hour = 0; hour < 4; hour++) {
            Instant t = T0.plusSeconds(hour * 3_600L);
            writeGzip(logs.resolve(name(t.plusSeconds(300), "hourly" + hour)),
                    TestEvents.event("iam.amazonaws.com", "ListUsers", t),
                    TestEvents.event("ec2.amazonaws.com", "DescribeInstances", t.plusSeconds(60)));
        }
        return logs;
    }

    /**
     * Every sample record re-filed as CloudTrail delivers: one file per account, region and five minutes of event
     * time, delivered 5 to 12 minutes after its five minutes end (seeded), its records shuffled; in CloudTrail's
     * folders.
     */
    private static Path deliveredAsCloudTrailDoes(Path samples, Path target) throws IOException {
        Random random = new Random(11);
        Map<String, List<JsonNode>> slots = new java.util.TreeMap<>();
        List<Path> files;
        try (Stream<Path> listed = Files.list(samples)) {
            files = listed.filter(f -> f.toString().endsWith(".json.gz")).sorted().toList();
        }
        for (Path file : files) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                for (JsonNode record : MAPPER.readTree(in).get("Records")) {
                    long slot = Instant.parse(record.get("eventTime").asText()).getEpochSecond() / 300;
                    String key = record.get("recipientAccountId").asText() + "/" + record.get("awsRegion").asText()
                            + "/" + slot;
                    slots.computeIfAbsent(key, k -> new ArrayList<>()).add(record);
                }
            }
        }
        for (Map.Entry<String, List<JsonNode>> slot : slots.entrySet()) {
            String[] key = slot.getKey().split("/");
            Instant delivered = Instant.ofEpochSecond((Long.parseLong(key[2]) + 1) * 300 + 300 + random.nextInt(421));
            List<JsonNode> records = new ArrayList<>(slot.getValue());
            Collections.shuffle(records, random);
            String time = delivered.toString().replace("-", "").replace(":", "").substring(0, 13) + "Z";
            Path folder = Files.createDirectories(target.resolve("AWSLogs/" + key[0] + "/CloudTrail/" + key[1] + "/"
                    + time.substring(0, 4) + "/" + time.substring(4, 6) + "/" + time.substring(6, 8)));
            Path file = folder.resolve(key[0] + "_CloudTrail_" + key[1] + "_" + time + "_"
                    + Long.toHexString(random.nextLong() | Long.MIN_VALUE) + ".json.gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(MAPPER.createObjectNode().set("Records", MAPPER.createArrayNode().addAll(records))
                        .toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return target;
    }

    /** The last summary line: events, alerts, rejected and why. */
    private static String summary(ScanRun run) {
        return run.err().lines().filter(l -> l.matches("\\d+ events, \\d+ alerts, .*")).reduce((a, b) -> b)
                .orElse("no summary in: " + run.err());
    }

    private static String name(Instant delivered, String id) {
        String time = delivered.toString().replace("-", "").replace(":", "").substring(0, 13) + "Z";
        return "111122223333_CloudTrail_us-east-1_" + time + "_" + (id + "0000000000000000").substring(0, 16)
                + ".json.gz";
    }

    /** Every sample file, its records in a seeded random order, each in a folder of its own. */
    private static Path shuffledCopy(Path samples, Path target) throws IOException {
        Random random = new Random(7);
        List<Path> files;
        try (Stream<Path> listed = Files.list(samples)) {
            files = listed.filter(f -> f.toString().endsWith(".json.gz")).sorted().toList();
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            JsonNode envelope;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                envelope = MAPPER.readTree(in);
            }
            List<JsonNode> records = new ArrayList<>();
            envelope.get("Records").forEach(records::add);
            Collections.shuffle(records, random);
            ArrayNode shuffled = MAPPER.createArrayNode().addAll(records);
            Path folder = Files.createDirectories(target.resolve("part" + (files.size() - i)));
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve(file.getFileName())))) {
                out.write(MAPPER.createObjectNode().set("Records", shuffled).toString()
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        return target;
    }

    private static void writeGzip(Path file, TestEvents... events) throws IOException {
        StringBuilder body = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < events.length; i++) {
            body.append(i == 0 ? "" : ",").append(events[i].json());
        }
        body.append("]}");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(body.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
