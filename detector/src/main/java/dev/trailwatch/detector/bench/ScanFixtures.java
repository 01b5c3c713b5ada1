package dev.trailwatch.detector.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The scan stage's inputs, written from one generated history: JSON lines in event-time order, the same lines
 * shuffled (within blocks of {@value #SHUFFLE_BLOCK} records, the blocks written in reverse), and a CloudTrail S3-layout
 * tree of {@code .json.gz} files, one per account, region and 5 minutes, named and foldered as CloudTrail does.
 */
final class ScanFixtures {

    static final int SHUFFLE_BLOCK = 20_000;
    private static final long FILE_SPAN_MS = 5 * 60_000;
    private static final Pattern REGION = Pattern.compile("\"awsRegion\":\"([a-z0-9-]+)\"");
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private final Path sorted;
    private final Path unsorted;
    private final Path tree;
    private long bytes;
    private long files;

    private ScanFixtures(Path dir) {
        this.sorted = dir.resolve("sorted.jsonl");
        this.unsorted = dir.resolve("unsorted.jsonl");
        this.tree = dir.resolve("s3-layout");
    }

    static ScanFixtures write(Path dir, long seed, int accounts, long events) throws IOException {
        ScanFixtures fixtures = new ScanFixtures(dir);
        TrafficGenerator generator = TrafficGenerator.endingNow(seed, accounts, events);
        Random rng = new Random(seed);
        List<List<byte[]>> blocks = new ArrayList<>();
        List<byte[]> block = new ArrayList<>();
        Map<String, Slot> open = new HashMap<>();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(fixtures.sorted), 1 << 20)) {
            generator.generate(events, (i, e) -> {
                try {
                    out.write(e.value());
                    out.write('\n');
                    fixtures.bytes += e.value().length + 1;
                    block.add(e.value());
                    if (block.size() == SHUFFLE_BLOCK) {
                        blocks.add(new ArrayList<>(block));
                        block.clear();
                    }
                    fixtures.toTree(open, e.key(), e.value(), generator.timeOf(i));
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            });
        }
        blocks.add(block);
        for (Slot slot : open.values()) {
            fixtures.close(slot);
        }
        Collections.reverse(blocks);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(fixtures.unsorted), 1 << 20)) {
            for (List<byte[]> b : blocks) {
                Collections.shuffle(b, rng);
                for (byte[] line : b) {
                    out.write(line);
                    out.write('\n');
                }
            }
        }
        return fixtures;
    }

    private record Slot(String account, String region, long end, ByteArrayOutputStream records) {
    }

    private void toTree(Map<String, Slot> open, String account, byte[] json, Instant time) throws IOException {
        Matcher m = REGION.matcher(new String(json, 0, Math.min(json.length, 4096), StandardCharsets.UTF_8));
        String region = m.find() ? m.group(1) : "us-east-1";
        long end = (time.toEpochMilli() / FILE_SPAN_MS + 1) * FILE_SPAN_MS;
        String group = account + "/" + region;
        Slot slot = open.get(group);
        if (slot != null && slot.end() != end) {
            close(slot);
            slot = null;
        }
        if (slot == null) {
            slot = new Slot(account, region, end, new ByteArrayOutputStream());
            open.put(group, slot);
        }
        slot.records().write(slot.records().size() == 0 ? '[' : ',');
        slot.records().write(json);
    }

    private void close(Slot slot) throws IOException {
        Instant delivered = Instant.ofEpochMilli(slot.end() + FILE_SPAN_MS);
        Path folder = tree.resolve("AWSLogs/" + slot.account() + "/CloudTrail/" + slot.region() + "/"
                + DAY.format(delivered));
        Files.createDirectories(folder);
        String name = slot.account() + "_CloudTrail_" + slot.region() + "_" + FILE_TIME.format(delivered) + "_"
                + Long.toHexString(slot.end() ^ slot.account().hashCode() ^ ((long) slot.region().hashCode() << 20))
                + ".json.gz";
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve(name)), 1 << 16)) {
            out.write("{\"Records\":".getBytes(StandardCharsets.UTF_8));
            slot.records().writeTo(out);
            out.write("]}".getBytes(StandardCharsets.UTF_8));
        }
        files++;
    }

    Path sorted() {
        return sorted;
    }

    Path unsorted() {
        return unsorted;
    }

    Path tree() {
        return tree;
    }

    long jsonBytes() {
        return bytes;
    }

    long treeFiles() {
        return files;
    }
}
