package dev.trailwatch.detector.detect.kit;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.ReadOutcome;
import dev.trailwatch.detector.parse.ParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;

/**
 * The parsed events as the detections read them: ONE processor node, {@value #NAME}, that hands each event only to
 * the steps that want it. A detection attaches its first step through this class, with the predicate that says which
 * events it needs (typed fields only: {@code eventName}, {@code eventSource}, error code, ...); the node evaluates
 * every predicate once per event and forwards the event by name to the steps whose predicate passes. A typical event
 * thus costs one node visit plus the steps that read every event (watch list, baselines, silence, input progress),
 * not a visit to a filter node per detection (Kafka Streams pays ~9 ns per child and event to move a record, plus the
 * node's own bookkeeping).
 *
 * <p>The node also takes the parse step's outcome as it is: an event goes on as above, a record that could not be
 * read goes to the one step registered with {@link #rejected}, with its reason (the dead letter). So parse and route
 * are two nodes, where parse, a split, its branch and an unwrap made four.
 *
 * <p>Steps are forwarded to in the order they were attached (the order the detection families are built in), as
 * Kafka Streams forwards to a node's children; two steps attached one after the other with the same predicate
 * object share one evaluation of it. Every step is named: the names (and so the state stores and repartition topics
 * downstream) are the ones the families gave their first steps, and {@link #checkWired} fails a topology in which a
 * child of the node was attached around this class (it would never receive an event).
 */
public final class EventRouter {

    /** The node's name. */
    public static final String NAME = "events";
    private static final Predicate<CloudTrailEvent> EVERY = event -> true;

    private final KStream<String, CloudTrailEvent> events;
    private final List<String> names = new ArrayList<>();
    private final List<Predicate<? super CloudTrailEvent>> wants = new ArrayList<>();
    private String rejected;

    private EventRouter(KStream<String, ? extends ReadOutcome> parsed) {
        this.events = parsed.process(new Supplier(), Named.as(NAME));
    }

    /**
     * The router over the parse step's outcomes (keyed by {@code recipientAccountId}, as the input topic): events as
     * the parse node forwards them, or {@link ParseResult}s (a {@link ParseResult.Parsed} event is unwrapped here).
     */
    public static EventRouter over(KStream<String, ? extends ReadOutcome> parsed) {
        return new EventRouter(parsed);
    }

    /** Every event, to the processor named {@code name}. */
    public <K, V> KStream<K, V> process(String name, ProcessorSupplier<String, CloudTrailEvent, K, V> step) {
        return process(name, EVERY, step);
    }

    /** The events {@code wanted} passes, to the processor named {@code name}. */
    public <K, V> KStream<K, V> process(String name, Predicate<? super CloudTrailEvent> wanted,
                                        ProcessorSupplier<String, CloudTrailEvent, K, V> step) {
        register(name, wanted);
        return events.process(step, Named.as(name));
    }

    /** The events {@code wanted} passes, to the value processor named {@code name} (the key stays the account). */
    public <V> KStream<String, V> processValues(String name, Predicate<? super CloudTrailEvent> wanted,
                                                FixedKeyProcessorSupplier<String, CloudTrailEvent, V> step) {
        register(name, wanted);
        return events.processValues(step, Named.as(name));
    }

    /**
     * The records the parse step could not read, as they came from it ({@link ParseResult.Rejected}), to the value
     * processor named {@code name}: the dead-letter step. One per router.
     */
    @SuppressWarnings("unchecked")
    public <V> KStream<String, V> rejected(String name, FixedKeyProcessorSupplier<String, ParseResult, V> step) {
        if (rejected != null) {
            throw new IllegalStateException("rejected records already go to '" + rejected + "'");
        }
        register(name, null);
        rejected = name;
        // The node's one output stream carries events to the detections and, to this one child only, the parse
        // step's rejections: the DSL types a stream by one value type, so this child reads the same stream as such.
        KStream<String, ParseResult> outcomes = (KStream<String, ParseResult>) (KStream<?, ?>) events;
        return outcomes.processValues(step, Named.as(name));
    }

    /**
     * Checks the built topology: the router node's children are exactly the steps attached through this class.
     *
     * @throws IllegalStateException naming the children attached around it, or steps that were never attached
     */
    public void checkWired(TopologyDescription description) {
        Set<String> children = new TreeSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().stream()
                .filter(node -> NAME.equals(node.name()))
                .forEach(node -> node.successors().forEach(child -> children.add(child.name()))));
        Set<String> routed = new TreeSet<>(names);
        if (!children.equals(routed)) {
            Set<String> around = new TreeSet<>(children);
            around.removeAll(routed);
            Set<String> missing = new TreeSet<>(routed);
            missing.removeAll(children);
            throw new IllegalStateException("the '" + NAME + "' node's children " + around
                    + " were not attached through EventRouter (they would get no event); routed but missing: "
                    + missing);
        }
    }

    private void register(String name, Predicate<? super CloudTrailEvent> wanted) {
        Objects.requireNonNull(name, "name");
        if (names.contains(name)) {
            throw new IllegalArgumentException("route '" + name + "' attached twice");
        }
        names.add(name);
        wants.add(wanted);
    }

    /**
     * The routes as they stand, read by each task's processor when it is initialised (after the topology is built;
     * Kafka Streams also calls the supplier while the graph is being wired, to check it gives new instances).
     */
    RoutingProcessor.Routes routesNow() {
        int eventRoutes = rejected == null ? names.size() : names.size() - 1;
        String[] to = new String[eventRoutes];
        @SuppressWarnings("unchecked")
        Predicate<? super CloudTrailEvent>[] when = new Predicate[eventRoutes];
        int i = 0;
        for (int r = 0; r < names.size(); r++) {
            if (!names.get(r).equals(rejected)) {
                to[i] = names.get(r);
                when[i++] = wants.get(r) == EVERY ? null : wants.get(r);
            }
        }
        return new RoutingProcessor.Routes(to, when, rejected);
    }

    private final class Supplier implements ProcessorSupplier<String, ReadOutcome, String, CloudTrailEvent> {

        @Override
        public RoutingProcessor get() {
            return new RoutingProcessor(EventRouter.this::routesNow);
        }
    }
}
