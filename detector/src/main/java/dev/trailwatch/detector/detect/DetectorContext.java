package dev.trailwatch.detector.detect;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.RejectReason;
import dev.trailwatch.detector.rules.RulePack;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a detector is built with: the configuration, the rule pack, the metrics, the end-of-input signal, and a way
 * to hand events it cannot use (arrived later than its grace) to the dead-letter topic instead of dropping them.
 */
public final class DetectorContext {

    /** Events a detector gives up on, with the reason they carry to the dead-letter topic. */
    public record DeadLetterRoute(String name, KStream<String, CloudTrailEvent> events, RejectReason reason) {
    }

    private final StreamsBuilder builder;
    private final DetectorConfig config;
    private final RulePack rules;
    private final TrailWatchMetrics metrics;
    private final FlushSignal flush;
    private final List<DeadLetterRoute> deadLetters = new ArrayList<>();
    private final Map<String, KStream<String, Alert>> extraAlerts = new LinkedHashMap<>();

    public DetectorContext(StreamsBuilder builder, DetectorConfig config, RulePack rules, TrailWatchMetrics metrics,
                           FlushSignal flush) {
        this.builder = builder;
        this.config = config;
        this.rules = rules;
        this.metrics = metrics;
        this.flush = flush;
    }

    public DetectorConfig config() {
        return config;
    }

    public RulePack rules() {
        return rules;
    }

    public TrailWatchMetrics metrics() {
        return metrics;
    }

    public FlushSignal flush() {
        return flush;
    }

    /**
     * Routes events to the dead-letter topic (their JSON re-serialized, reason in headers). The detector counts them
     * in metrics itself ({@link TrailWatchMetrics#eventRejected}) where it decides; {@code name} names the sink step.
     */
    public void deadLetter(String name, KStream<String, CloudTrailEvent> events, RejectReason reason) {
        deadLetters.add(new DeadLetterRoute(name, events, reason));
    }

    /**
     * A reference-data table replicated to every instance (known accounts, for instance), read from a compacted
     * topic. The only source a detector may add: events come from the topology, reference data from here.
     */
    public <V> GlobalKTable<String, V> referenceTable(String topic, Serde<V> valueSerde, String storeName) {
        return builder.globalTable(topic, Consumed.with(Serdes.String(), valueSerde).withName(storeName + "-source"),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(storeName)
                        .withKeySerde(Serdes.String()).withValueSerde(valueSerde));
    }

    /**
     * A further alert stream of a detector, written through its own sink named {@code name}. For a detector whose
     * alerts come from different sub-topologies (the input's and a repartition's): merging them would join the
     * sub-topologies into one task whose stream time runs ahead on one of its topics.
     */
    public void alerts(String name, KStream<String, Alert> alerts) {
        if (extraAlerts.putIfAbsent(name, alerts) != null) {
            throw new IllegalArgumentException("alert stream '" + name + "' registered twice");
        }
    }

    public Map<String, KStream<String, Alert>> extraAlerts() {
        return Collections.unmodifiableMap(extraAlerts);
    }

    public List<DeadLetterRoute> deadLetterRoutes() {
        return Collections.unmodifiableList(deadLetters);
    }
}
