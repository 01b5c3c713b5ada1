package dev.trailwatch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.bench.TrafficGenerator;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The records every benchmark reads: {@link TrafficGenerator}'s organization traffic (~1.5 KB records, a read-heavy
 * mix of users, roles and AWS services, one round of injected attacks), the same for every run: fixed seed and start.
 */
final class Traffic {

    /** Records cycled through: enough that no single record's shape or branch profile dominates. */
    static final int RECORDS = 4096;

    private static final long SEED = 42;
    private static final int ACCOUNTS = 20;
    private static final Instant START = Instant.parse("2025-03-10T00:00:00Z");

    private Traffic() {
    }

    static List<byte[]> records() {
        List<byte[]> records = new ArrayList<>(RECORDS);
        new TrafficGenerator(SEED, ACCOUNTS, START)
                .generate(RECORDS, (i, event) -> records.add(event.value()));
        return List.copyOf(records);
    }

    /** Every record of the sample logs bundled with the detector (the demo's), as compact JSON as CloudTrail writes. */
    static List<byte[]> samples() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<byte[]> records = new ArrayList<>();
        String index = new String(resource("samples/index.txt").readAllBytes(), StandardCharsets.UTF_8);
        for (String file : index.lines().filter(line -> !line.isBlank()).toList()) {
            try (InputStream in = new GZIPInputStream(resource("samples/" + file))) {
                for (JsonNode record : json.readTree(in).path("Records")) {
                    records.add(json.writeValueAsBytes(record));
                }
            }
        }
        return List.copyOf(records);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = TrafficGenerator.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("not on the class path: " + name);
        }
        return in;
    }

    /** The records freshly parsed: no event has built its tree or typed-fields view yet. */
    static List<CloudTrailEvent> events() {
        CloudTrailParser parser = new CloudTrailParser();
        return records().stream().map(record -> event(parser.parse(record))).toList();
    }

    static CloudTrailEvent event(ParseResult result) {
        if (result instanceof ParseResult.Parsed parsed) {
            return parsed.event();
        }
        throw new IllegalStateException("a generated record was rejected: " + result);
    }
}
