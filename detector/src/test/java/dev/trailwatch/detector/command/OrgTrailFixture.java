package dev.trailwatch.detector.command;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * The bundled sample organization (3 accounts, 9 days, an attack) laid out the ways history reaches {@code scan}:
 * as CloudTrail writes it to an organization trail's bucket (one file per account, region and hour, named and
 * foldered as CloudTrail does, records shuffled inside each file), and as an unsorted JSON-lines export.
 */
final class OrgTrailFixture {

    static final String ORG_PREFIX = "AWSLogs/o-exampleorg1/";
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd/").withZone(ZoneOffset.UTC);

    private final List<CloudTrailRecord> records = new ArrayList<>();

    OrgTrailFixture() throws IOException {
        records.addAll(SampleData.inEventTimeOrder((location, reason) -> {
            throw new IllegalStateException(location + ": " + reason);
        }));
    }

    int size() {
        return records.size();
    }

    /** Hands each S3-layout object (key under the bucket, gzip bytes) to {@code sink}, in reverse key order. */
    void organizationTrail(long seed, BiConsumer<String, byte[]> sink) throws IOException {
        Map<String, List<CloudTrailRecord>> files = new TreeMap<>(Collections.reverseOrder());
        Random rng = new Random(seed);
        for (CloudTrailRecord r : records) {
            Instant delivered = Instant.ofEpochMilli(r.eventTimeMillis()).truncatedTo(ChronoUnit.HOURS)
                    .plus(65, ChronoUnit.MINUTES);
            String key = ORG_PREFIX + r.recipientAccountId() + "/CloudTrail/" + r.awsRegion() + "/"
                    + DAY.format(delivered) + r.recipientAccountId() + "_CloudTrail_" + r.awsRegion() + "_"
                    + FILE_TIME.format(delivered) + "_" + unique(key(r, delivered)) + ".json.gz";
            files.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<CloudTrailRecord>> file : files.entrySet()) {
            List<CloudTrailRecord> shuffled = new ArrayList<>(file.getValue());
            Collections.shuffle(shuffled, rng);
            sink.accept(file.getKey(), gzip(envelope(shuffled)));
        }
    }

    /** Writes the organization trail under {@code root} (root/AWSLogs/...). */
    void writeOrganizationTrail(Path root, long seed) throws IOException {
        organizationTrail(seed, (key, bytes) -> {
            try {
                Path file = root.resolve(key);
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Every record, one per line, in a shuffled order. */
    void writeShuffledJsonLines(Path file, long seed) throws IOException {
        List<CloudTrailRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(seed));
        try (OutputStream out = Files.newOutputStream(file)) {
            for (CloudTrailRecord r : shuffled) {
                out.write(r.json());
                out.write('\n');
            }
        }
    }

    private static String key(CloudTrailRecord r, Instant delivered) {
        return r.recipientAccountId() + r.awsRegion() + delivered;
    }

    private static String unique(String seed) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Random rng = new Random(seed.hashCode());
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            id.append(alphabet.charAt(rng.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static byte[] envelope(List<CloudTrailRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(records.get(i).json());
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
