package dev.trailwatch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import java.util.List;
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
 * The watch list's share of every event: the built-in rule pack's lookup, and one filter pattern matched against the
 * whole record's tree or against the small typed-fields tree that spares building it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FilterPatternBenchmark {

    /** CIS 4.3's root-use filter: a rule of this shape is tried on every event, whatever its name. */
    private static final String ROOT_USE = "{ ($.userIdentity.type = \"Root\") && ($.userIdentity.invokedBy NOT EXISTS)"
            + " && ($.eventType != \"AwsServiceEvent\") }";

    private final CloudTrailParser parser = new CloudTrailParser();
    private final FilterPattern rootUse = FilterPattern.parse(ROOT_USE);
    private RulePack rules;
    private Cycle<byte[]> records;
    private Cycle<CloudTrailEvent> events;
    private Cycle<JsonNode> trees;
    private Cycle<JsonNode> typedFields;

    @Setup
    public void load() {
        rules = RulePack.load(null);
        records = new Cycle<>(Traffic.records());
        List<CloudTrailEvent> parsed = Traffic.events();
        // one pass builds every tree (typed-fields or whole) the rules ask for, as each event's first sight would
        parsed.forEach(rules::matching);
        events = new Cycle<>(parsed);
        trees = new Cycle<>(Traffic.events().stream().map(CloudTrailEvent::record).toList());
        typedFields = new Cycle<>(Traffic.events().stream().map(CloudTrailEvent::typedFields).toList());
    }

    /** The built-in rules an event's name selects, evaluated on trees already built: the rules' own cost. */
    @Benchmark
    public List<Rule> rulePack() {
        return rules.matching(events.next());
    }

    /** Parse, then the rule pack with the trees built on demand: an event's whole way through the watch list. */
    @Benchmark
    public List<Rule> parseThenRulePack() {
        return rules.matching(Traffic.event(parser.parse(records.next())));
    }

    /** The root-use pattern against the whole record's tree, built beforehand: the lookups alone. */
    @Benchmark
    public boolean rootUseOnRecord() {
        return rootUse.matches(trees.next());
    }

    /** The root-use pattern against the typed-fields tree, built beforehand: what the detector hands it. */
    @Benchmark
    public boolean rootUseOnTypedFields() {
        return rootUse.matches(typedFields.next());
    }
}
