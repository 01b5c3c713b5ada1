package dev.trailwatch.benchmarks;

import dev.trailwatch.detector.bench.TrafficGenerator;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
