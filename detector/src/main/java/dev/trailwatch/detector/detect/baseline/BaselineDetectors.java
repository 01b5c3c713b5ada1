package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.Detector;
import dev.trailwatch.detector.detect.DetectorContext;
import java.util.List;

/**
 * The per-account baseline detections (first use of a region or service, foreign account), in merge order.
 *
 * <p>All three read the accounts topic through one global table, {@value #ACCOUNTS_STORE}: foreign-account to know
 * the organization, all of them to put the account's name on their alerts. The two first-use detections share one
 * baseline store ({@link FirstUseBaseline}).
 */
public final class BaselineDetectors {

    static final String ACCOUNTS_STORE = ForeignAccountDetector.ID + "-known-accounts";

    private BaselineDetectors() {
    }

    public static List<Detector> create(DetectorContext context) {
        DetectorConfig config = context.config();
        KnownAccounts accounts = new KnownAccounts(config.get(BaselineSettings.KNOWN_ACCOUNTS), ACCOUNTS_STORE);
        context.referenceTable(config.get(Settings.TOPIC_ACCOUNTS), new AccountInfoSerde(), ACCOUNTS_STORE);
        FirstUseBaseline baseline = new FirstUseBaseline(
                FirstUseBaseline.Parameters.from(config, accounts, context.metrics()));
        return List.of(new FirstRegionUseDetector(baseline), new FirstServiceUseDetector(baseline),
                new ForeignAccountDetector(context, accounts));
    }
}
