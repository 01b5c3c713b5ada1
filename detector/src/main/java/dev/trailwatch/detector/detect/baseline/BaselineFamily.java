package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The per-account baseline detections: first use of a region, first use of a service (both from one
 * {@link FirstUseBaseline} processor and store, built here once) and foreign account. All read the organization's
 * accounts, which the topology owns and hands in.
 */
public final class BaselineFamily implements DetectionFamily {

    private final FirstUseBaseline.Parameters firstUse;
    private final SeverityFilter severity;
    private final ForeignAccountDetector foreignAccount;

    public BaselineFamily(DetectorConfig config, KnownAccounts accounts, DetectionKit kit) {
        this.firstUse = FirstUseBaseline.Parameters.from(config, accounts, kit);
        this.severity = kit.severity();
        this.foreignAccount = new ForeignAccountDetector(config, accounts, kit);
    }

    @Override
    public Detections build(EventRouter events) {
        KStream<String, FirstUse> firstUses = FirstUseBaseline.firstUses(events, firstUse);
        return Detections.all(
                Detections.of(FirstRegionUseDetector.ID, FirstRegionUseDetector.alerts(firstUses, severity)),
                Detections.of(FirstServiceUseDetector.ID, FirstServiceUseDetector.alerts(firstUses, severity)),
                foreignAccount.detect(events));
    }
}
