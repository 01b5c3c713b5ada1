package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The per-account first-use baselines behind {@link FirstRegionUseDetector} and {@link FirstServiceUseDetector}: one
 * processor over one persistent store, {@value #NAME}, holding one entry per account (learning start, last use, and
 * region -> last use and service -> last use maps). One store read answers both questions for an event, and the two
 * detections share the account's learning period; each detector then selects its own alerts.
 *
 * <p>The store is keyed by {@code recipientAccountId}, the input topic's key, so it lives on the input partitions with
 * no repartition, is changelogged (restored after a restart or a move), and is cached in front as deserialized objects:
 * an event whose region and service are already known and recently seen costs a map lookup, no store access.
 */
final class FirstUseBaseline {

    static final String NAME = "first-use-baseline";

    private final Parameters parameters;
    private KStream<String, CloudTrailEvent> source;
    private KStream<String, Alert> alerts;

    /** What the processor needs, resolved once from configuration. */
    record Parameters(long learningPeriod, long ttl, long resolution, UsePolicy policy, int cacheSize,
                    Severity minSeverity, KnownAccounts accounts, TrailWatchMetrics metrics) {

        static Parameters from(DetectorConfig config, KnownAccounts accounts, TrailWatchMetrics metrics) {
            Duration ttl = config.get(BaselineSettings.TTL);
            long resolution = Math.max(1, Math.min(Duration.ofDays(1).toMillis(), ttl.toMillis() / 10));
            UsePolicy policy = new UsePolicy(config.get(BaselineSettings.COUNT_READ_ONLY),
                    config.get(BaselineSettings.GLOBAL_SERVICES));
            // An entry's recorded last use lags the real one by less than the resolution: adding it means nothing
            // is forgotten before the configured TTL.
            return new Parameters(config.get(BaselineSettings.LEARNING_PERIOD).toMillis(), ttl.toMillis() + resolution,
                    resolution, policy, config.get(BaselineSettings.CACHE_SIZE), config.minSeverity(), accounts,
                    metrics);
        }
    }

    FirstUseBaseline(Parameters parameters) {
        this.parameters = parameters;
    }

    /** Both detections' alerts; built on the first call, the same stream for the second. */
    KStream<String, Alert> alerts(KStream<String, CloudTrailEvent> events) {
        if (alerts == null) {
            source = events;
            alerts = events.process(new Supplier(parameters), Named.as(NAME));
        } else if (source != events) {
            throw new IllegalStateException(NAME + " is built once, over the one event stream");
        }
        return alerts;
    }

    /** One detection's share of {@link #alerts}: those with its rule id, through a processor named {@code <id>-alerts}. */
    KStream<String, Alert> alertsOf(String ruleId, KStream<String, CloudTrailEvent> events) {
        return alerts(events).filter((account, alert) -> ruleId.equals(alert.ruleId()), Named.as(ruleId + "-alerts"));
    }

    private record Supplier(Parameters parameters)
            implements ProcessorSupplier<String, CloudTrailEvent, String, Alert> {

        @Override
        public Processor<String, CloudTrailEvent, String, Alert> get() {
            return new FirstUseProcessor(NAME, parameters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(),
                    JacksonSerde.smile(AccountBaseline.class)).withCachingEnabled());
        }
    }
}
