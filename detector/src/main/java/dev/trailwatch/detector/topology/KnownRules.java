package dev.trailwatch.detector.topology;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.baseline.FirstRegionUseDetector;
import dev.trailwatch.detector.detect.baseline.FirstServiceUseDetector;
import dev.trailwatch.detector.detect.baseline.ForeignAccountDetector;
import dev.trailwatch.detector.detect.burst.AccessDeniedBurstDetector;
import dev.trailwatch.detector.detect.burst.BedrockRegionSweepDetector;
import dev.trailwatch.detector.detect.burst.ConsoleBruteforceSuccessDetector;
import dev.trailwatch.detector.detect.burst.ConsoleCrossAccountSprayDetector;
import dev.trailwatch.detector.detect.burst.ConsolePasswordSprayDetector;
import dev.trailwatch.detector.detect.burst.CredentialHarvestingBurstDetector;
import dev.trailwatch.detector.detect.burst.DiscoveryBurstDetector;
import dev.trailwatch.detector.detect.burst.FailedConsoleLoginBurstDetector;
import dev.trailwatch.detector.detect.burst.InstanceCredentialExfiltrationDetector;
import dev.trailwatch.detector.detect.burst.WorkloadCredentialExfiltrationDetector;
import dev.trailwatch.detector.detect.burst.S3MassDeletionDetector;
import dev.trailwatch.detector.detect.burst.SesEnumerationDetector;
import dev.trailwatch.detector.detect.location.ConsoleLoginNewAsnDetector;
import dev.trailwatch.detector.detect.location.ConsoleLoginNewCountryDetector;
import dev.trailwatch.detector.detect.silence.TrailSilentDetector;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.rules.sigma.SigmaCorrelation;
import dev.trailwatch.detector.rules.sigma.SigmaRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every rule id this detector can raise an alert with: the watch-list rules (bundled and {@code rules.dir}, Sigma
 * included), the stateful detections, and the Sigma correlations in {@code rules.dir}. Tuning entries are checked
 * against it, so that a typo in a rule id fails at start instead of never applying.
 */
public final class KnownRules {

    /** The stateful detections, whose ids are not in any rule file. */
    public static final List<String> STATEFUL = List.of(FailedConsoleLoginBurstDetector.ID,
            ConsolePasswordSprayDetector.ID, ConsoleBruteforceSuccessDetector.ID, AccessDeniedBurstDetector.ID,
            ConsoleCrossAccountSprayDetector.ID, CredentialHarvestingBurstDetector.ID, DiscoveryBurstDetector.ID,
            S3MassDeletionDetector.ID, InstanceCredentialExfiltrationDetector.ID,
            WorkloadCredentialExfiltrationDetector.ID, BedrockRegionSweepDetector.ID, SesEnumerationDetector.ID,
            FirstRegionUseDetector.ID, FirstServiceUseDetector.ID, ForeignAccountDetector.ID,
            ConsoleLoginNewCountryDetector.ID, ConsoleLoginNewAsnDetector.ID, TrailSilentDetector.ID);

    private KnownRules() {
    }

    public static Set<String> of(DetectorConfig config, RulePack rules) {
        Set<String> ids = new TreeSet<>(STATEFUL);
        rules.rules().stream().map(Rule::id).forEach(ids::add);
        String dir = config.get(Settings.RULES_DIR);
        if (!dir.isBlank() && Files.isDirectory(Path.of(dir))) {
            SigmaRules.load(Path.of(dir)).correlations().stream().map(SigmaCorrelation::ruleId).forEach(ids::add);
        }
        return ids;
    }
}
