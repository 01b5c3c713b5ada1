package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
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
 * detections share the account's learning period; each detection then words its own alerts from the first uses.
 *
 * <p>The store is keyed by {@code recipientAccountId}, the input topic's key, so it lives on the input partitions with
 * no repartition, is changelogged (restored after a restart or a move), and is cached in front as deserialized objects:
 * an event whose region and service are already known and recently seen costs a map lookup, no store access.
 */
final class FirstUseBaseline {

    static final String NAME = "first-use-baseline";
    /** The first uses waiting for the reorder horizon ({@link PendingUse}). */
    static final String PENDING = "first-use-pending";

    private FirstUseBaseline() {
    }

    /** What the processor needs, resolved once from configuration. */
    record Parameters(long learningPeriod, long ttl, long resolution, UsePolicy policy, int cacheSize,
                      KnownAccounts accounts, InputWatermark watermark, FlushSignal flush) {

        static Parameters from(DetectorConfig config, KnownAccounts accounts, DetectionKit kit) {
            Duration ttl = config.get(BaselineSettings.TTL);
            long resolution = Math.max(1, Math.min(Duration.ofDays(1).toMillis(), ttl.toMillis() / 10));
            UsePolicy policy = new UsePolicy(config.get(BaselineSettings.COUNT_READ_ONLY),
                    config.get(BaselineSettings.GLOBAL_SERVICES));
            // An entry's recorded last use lags the real one by less than the resolution: adding it means nothing
            // is forgotten before the configured TTL.
            return new Parameters(config.get(BaselineSettings.LEARNING_PERIOD).toMillis(), ttl.toMillis() + resolution,
                    resolution, policy, config.get(BaselineSettings.CACHE_SIZE), accounts, kit.watermark(), kit.flush());
        }
    }

    /** The first uses found in the event stream, for both detections to word; build it once. */
    static KStream<String, FirstUse> firstUses(EventRouter events, Parameters parameters) {
        return events.process(NAME, new Supplier(parameters));
    }

    /**
     * One detection's alerts: the first uses of its kind, worded by it, identified by rule + account + what is new +
     * event time (a replay of the same event re-emits the same id), and kept when at or above the minimum severity.
     * One processor named {@code <id>-alerts}.
     */
    static KStream<String, Alert> alertsOf(String ruleId, KStream<String, FirstUse> firstUses, FirstUse.Kind kind,
                                           Function<FirstUse, Alerts.Finding> wording, SeverityFilter severity) {
        return firstUses.flatMapValues(use -> {
            if (use.kind() != kind) {
                return List.of();
            }
            Alerts.Finding finding = wording.apply(use);
            if (!severity.passes(ruleId, finding.severity())) {
                return List.of();
            }
            CloudTrailEvent event = use.event();
            return List.of(Alerts.draft(finding, event)
                    .withAlertId(AlertIds.of(ruleId, event.recipientAccountId() + '|' + use.what(), event.eventTime()))
                    .withAccountName(use.accountName()));
        }, Named.as(ruleId + "-alerts"));
    }

    private record Supplier(Parameters parameters)
            implements ProcessorSupplier<String, CloudTrailEvent, String, FirstUse> {

        @Override
        public Processor<String, CloudTrailEvent, String, FirstUse> get() {
            return new FirstUseProcessor(NAME, parameters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(),
                    AccountBaselineCodec.SERDE).withCachingEnabled(),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING), Serdes.String(),
                            JacksonSerde.smile(PendingUse.class)));
        }
    }
}
