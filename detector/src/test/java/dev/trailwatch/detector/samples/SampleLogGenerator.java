package dev.trailwatch.detector.samples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.samples.AttackStory.Step;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the bundled sample CloudTrail logs ({@code src/main/resources/samples/}) from a fixed seed: the same code
 * always writes the same records. Run it through {@link SampleLogGeneratorTest} (see the samples README).
 *
 * <p>Files are grouped as CloudTrail delivers them, per account and region, and named as CloudTrail names them; each
 * holds a stretch of days ({@code days 1-5}, {@code 6-8}, {@code 9}) so there are a handful of files, not thousands.
 * {@code index.txt} lists them in delivery order, which is event-time order per account and region.
 */
public final class SampleLogGenerator {

    static final long SEED = 20250310L;
    static final String INDEX = "index.txt";
    static final String README = "README.md";

    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    /** The generated logs: file name to records, the file names in delivery order, the attack steps. */
    record Samples(Map<String, List<ObjectNode>> files, List<String> index, List<Step> steps) {
    }

    private SampleLogGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/main/resources/samples");
        write(generate(), dir);
    }

    static Samples generate() {
        CloudTrailRecords records = new CloudTrailRecords(new Random(SEED));
        Timeline timeline = new Timeline(records, new Org(records));
        new Background(timeline).generate();
        AttackStory attack = new AttackStory(timeline);
        attack.generate();

        Map<String, List<ObjectNode>> groups = new TreeMap<>();
        for (ObjectNode event : timeline.events()) {
            groups.computeIfAbsent(groupOf(event), k -> new ArrayList<>()).add(event);
        }
        Map<String, List<ObjectNode>> files = new TreeMap<>();
        for (List<ObjectNode> events : groups.values()) {
            events.sort(Comparator.comparing(e -> e.path("eventTime").asText()));
            files.put(fileName(events, records), events);
        }
        List<String> index = new ArrayList<>(files.keySet());
        index.sort(Comparator.comparing(SampleLogGenerator::deliveryTime).thenComparing(Comparator.naturalOrder()));
        Map<String, List<ObjectNode>> ordered = new LinkedHashMap<>();
        index.forEach(name -> ordered.put(name, files.get(name)));
        return new Samples(ordered, index, attack.steps());
    }

    static void write(Samples samples, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.json.gz")) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
        for (Map.Entry<String, List<ObjectNode>> file : samples.files().entrySet()) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(file.getKey())))) {
                out.write(envelope(file.getValue()));
            }
        }
        Files.writeString(dir.resolve(INDEX), String.join("\n", samples.index()) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(README), SamplesReadme.render(samples), StandardCharsets.UTF_8);
    }

    /** The file's bytes before compression: {@code {"Records":[...]}} on one line, as CloudTrail writes it. */
    static byte[] envelope(List<ObjectNode> events) throws IOException {
        ObjectNode envelope = CloudTrailRecords.NODES.objectNode();
        ArrayNode array = envelope.putArray("Records");
        events.forEach(array::add);
        return CloudTrailRecords.JSON.writeValueAsBytes(envelope);
    }

    /** Account, region and stretch of days: days 1-5, 6-8 (the attack is on day 8) and 9. */
    private static String groupOf(ObjectNode event) {
        LocalDate day = Instant.parse(event.path("eventTime").asText()).atZone(ZoneOffset.UTC).toLocalDate();
        long index = ChronoUnit.DAYS.between(Background.FIRST_DAY, day);
        int stretch = index < 5 ? 0 : index < 8 ? 1 : 2;
        return event.path("recipientAccountId").asText() + "_" + event.path("awsRegion").asText() + "_" + stretch;
    }

    /** {@code <account>_CloudTrail_<region>_<delivery time>_<16 random>.json.gz}, delivered ~5 min after the last. */
    private static String fileName(List<ObjectNode> events, CloudTrailRecords records) {
        ObjectNode last = events.get(events.size() - 1);
        Instant lastTime = Instant.parse(last.path("eventTime").asText());
        Instant delivered = lastTime.truncatedTo(ChronoUnit.HOURS)
                .plus((lastTime.atZone(ZoneOffset.UTC).getMinute() / 5 + 2) * 5L, ChronoUnit.MINUTES);
        return last.path("recipientAccountId").asText() + "_CloudTrail_" + last.path("awsRegion").asText() + "_"
                + FILE_TIME.format(delivered) + "_" + records.alnum(16) + ".json.gz";
    }

    static String deliveryTime(String fileName) {
        return fileName.split("_")[3];
    }
}
