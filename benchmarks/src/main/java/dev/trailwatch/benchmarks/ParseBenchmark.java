package dev.trailwatch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParserVariants;
import dev.trailwatch.detector.parse.ParseResult;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading one raw CloudTrail record, the first thing the detector does with every event: the streaming parse against
 * the whole Jackson tree it replaced, and what the lazily built views cost when something asks for them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ParseBenchmark {

    private final CloudTrailParser parser = new CloudTrailParser();
    private final CloudTrailParser jacksonOnly = ParserVariants.jacksonOnly();
    private final ObjectMapper mapper = new ObjectMapper();
    private Cycle<byte[]> records;

    @Setup
    public void generate() {
        records = new Cycle<>(Traffic.records());
    }

    /** The parse every event gets: one streaming pass, typed fields picked out, free-form parts stepped over. */
    @Benchmark
    public ParseResult parse() {
        return parser.parse(records.next());
    }

    /** The same parse by the Jackson streaming read alone (no fast byte read): the parse before it. */
    @Benchmark
    public ParseResult parseJacksonOnly() {
        return jacksonOnly.parse(records.next());
    }

    /** The parse on the bundled sample logs' records (the demo's), another mix of shapes and sizes. */
    @Benchmark
    public ParseResult parseSamples(Samples samples) {
        return parser.parse(samples.records.next());
    }

    @Benchmark
    public ParseResult parseSamplesJacksonOnly(Samples samples) {
        return jacksonOnly.parse(samples.records.next());
    }

    /** The records of the sample logs bundled with the detector ({@code samples/index.txt}), cycled through. */
    @State(Scope.Thread)
    public static class Samples {

        private Cycle<byte[]> records;

        @Setup
        public void load() throws IOException {
            records = new Cycle<>(Traffic.samples());
        }
    }

    /** A whole Jackson tree of the record: what every event cost before the parser streamed. */
    @Benchmark
    public JsonNode jacksonTree() throws IOException {
        return mapper.readTree(records.next());
    }

    /** Parse, then the small typed-fields tree the rules tried on every event (root use, AccessDenied) read. */
    @Benchmark
    public JsonNode parseThenTypedFields() {
        return Traffic.event(parser.parse(records.next())).typedFields();
    }

    /** Parse, then the whole tree forced: an event that a rule reading a free-form field is tried on. */
    @Benchmark
    public JsonNode parseThenRecord() {
        return Traffic.event(parser.parse(records.next())).record();
    }
}
