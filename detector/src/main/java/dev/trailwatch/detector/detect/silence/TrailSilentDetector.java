package dev.trailwatch.detector.detect.silence;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.SilenceSettings;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * An account x region whose CloudTrail events stop arriving ({@code silence.severity}, MEDIUM; ATT&amp;CK T1562.008
 * Impair Defenses: Disable or Modify Cloud Logs).
 *
 * <p><b>What:</b> an account x region that was sending ({@code silence.min-events} events within the last 4 x
 * {@code silence.after}) delivers nothing for longer than {@code silence.after} (30 minutes of wall-clock time) while
 * other events still reach the same stream task: one alert per silence, and a LOW follow-up with the same rule id when
 * its events resume. Regions silent for {@code silence.forget-after} (7 days) are forgotten.
 *
 * <p><b>Why:</b> StopLogging and DeleteTrail are watch-listed, but an attacker can also exclude management events
 * with PutEventSelectors (or change the organization trail from another account, or break delivery): the calls that
 * would show it may never reach us. The silence itself is the only signal left.
 *
 * <p><b>False positives:</b> workloads that stop or run in bursts (batch jobs, nightly CI, office hours), a region
 * drained on purpose, and delivery trouble (S3, SQS, the ingest connector) that hits one account's prefix. Wall-clock
 * based, so {@code trailwatch scan} and replays of old data, where the clock hardly moves, raise no silences.
 *
 * <p>State: one persistent, changelogged store, {@value #STORE}, keyed by account (the input key, no repartition),
 * holding region -> last arrival, last event, recent counts and the open silence; see {@link TrailSilenceProcessor}.
 */
public final class TrailSilentDetector implements DetectionFamily {

    public static final String ID = "trail-silent";
    static final String STORE = ID + "-activity";

    private final TrailSilenceProcessor.Parameters params;

    public TrailSilentDetector(DetectorConfig config, DetectionKit kit) {
        this(parameters(config, kit.severity()));
    }

    TrailSilentDetector(TrailSilenceProcessor.Parameters params) {
        this.params = params;
    }

    static TrailSilenceProcessor.Parameters parameters(DetectorConfig config, SeverityFilter severity) {
        return new TrailSilenceProcessor.Parameters(config.get(SilenceSettings.AFTER),
                config.get(SilenceSettings.MIN_EVENTS), config.get(SilenceSettings.SEVERITY),
                config.get(SilenceSettings.FORGET_AFTER).toMillis(), severity);
    }

    /**
     * Its alerts are not measured for latency: a silence alert comes at least {@code silence.after} after its last
     * event, by design, and would only blur the pipeline's latency.
     */
    @Override
    public Detections build(EventRouter events) {
        return Detections.unmeasured(ID, events.process(ID + "-watch", new Supplier(params)));
    }

    private record Supplier(TrailSilenceProcessor.Parameters params)
            implements ProcessorSupplier<String, CloudTrailEvent, String, Alert> {

        @Override
        public Processor<String, CloudTrailEvent, String, Alert> get() {
            return new TrailSilenceProcessor(STORE, params);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                    AccountActivityCodec.SERDE).withCachingEnabled());
        }
    }
}
