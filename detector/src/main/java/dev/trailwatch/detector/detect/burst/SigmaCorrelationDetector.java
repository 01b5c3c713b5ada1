package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.sigma.SigmaCorrelation;
import dev.trailwatch.detector.rules.sigma.SigmaRule;
import dev.trailwatch.detector.rules.sigma.SigmaRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.kstream.KStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sigma correlation rule run in-stream on the burst machinery: the events its referred rules match are grouped by
 * its {@code group-by} fields (one named repartition by group key), and a window of {@code timespan} fires one alert
 * when it holds what the condition asks, with later events folding into the same alert's update, never one alert per
 * window update.
 * <ul>
 *   <li>{@code event_count}: at least N matching events of the group;</li>
 *   <li>{@code value_count}: at least N distinct values of the condition's field(s);</li>
 *   <li>{@code temporal}: at least N of the referred rules (all, when no condition) matched by the group;</li>
 *   <li>{@code temporal_ordered}: the referred rules matched in that order of event time.</li>
 * </ul>
 * Windows are in event time, fixed and aligned to the epoch ({@code [k * timespan, (k + 1) * timespan)} UTC, as
 * Sigma's SIEM backends bin them), with {@code burst.grace} for late events, so arrival order within the grace changes
 * neither the alert id nor its last update; a correlation that straddles a window boundary counts in each window
 * separately (see {@link BurstCounter}). An event that matches several referred rules counts for the first of them
 * as written.
 *
 * <p>What cannot run is logged and skipped, never a failure: conditions with an upper or exact bound ({@code lt},
 * {@code lte}, {@code eq}, {@code neq}), which a window can only judge once it closes, and correlations of
 * correlations.
 */
final class SigmaCorrelationDetector {

    private static final Logger LOG = LoggerFactory.getLogger(SigmaCorrelationDetector.class);

    private final SigmaCorrelation correlation;
    private final List<String> names;
    private final List<SigmaRule> referred;
    private final BurstSpec spec;
    private final DetectionKit kit;

    private SigmaCorrelationDetector(SigmaCorrelation correlation, List<SigmaRule> referred, int threshold,
                                     Duration grace, DetectionKit kit) {
        this.correlation = correlation;
        this.names = correlation.rules();
        this.referred = referred;
        this.kit = kit;
        boolean ordered = correlation.type() == SigmaCorrelation.Type.TEMPORAL_ORDERED;
        boolean distinct = correlation.type() != SigmaCorrelation.Type.EVENT_COUNT;
        this.spec = new BurstSpec(correlation.ruleId(), "by-group", correlation.timespan(), grace, threshold,
                distinct ? threshold : 1, this::groupKey, this::token, this::finding,
                ordered ? correlation.rules() : List.of());
    }

    /** The correlations of the Sigma files under {@code rules.dir} that can run in-stream; none when it is unset. */
    static List<SigmaCorrelationDetector> fromRulesDir(DetectorConfig config, DetectionKit kit) {
        String dir = config.get(Settings.RULES_DIR);
        if (dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
            return List.of();
        }
        SigmaRules.Loaded loaded = SigmaRules.load(Path.of(dir));
        List<SigmaRule> rules = new ArrayList<>(loaded.rules());
        rules.addAll(loaded.feeders());
        List<SigmaCorrelationDetector> detectors = new ArrayList<>();
        for (SigmaCorrelation c : loaded.correlations()) {
            Optional<Integer> threshold = c.threshold();
            List<SigmaRule> referred = c.rules().stream().map(ref -> find(rules, ref)).toList();
            if (threshold.isEmpty()) {
                LOG.warn("Sigma correlation {} ('{}') does not run: its condition has an upper or exact bound, which a"
                        + " stream can only judge when a window closes; use gt or gte", c.ruleId(), c.meta().title());
            } else if (referred.contains(null)) {
                LOG.warn("Sigma correlation {} ('{}') does not run: it refers to another correlation, and chained"
                        + " correlations do not run in-stream", c.ruleId(), c.meta().title());
            } else {
                detectors.add(new SigmaCorrelationDetector(c, referred, threshold.get(),
                        config.get(BurstSettings.GRACE), kit));
                LOG.info("Sigma correlation {} ('{}'): {} of {} by {} within {}", c.ruleId(), c.meta().title(),
                        c.type().sigmaName(), c.rules(), c.groupBy(), Durations.format(c.timespan()));
            }
        }
        return detectors;
    }

    private static SigmaRule find(List<SigmaRule> rules, String ref) {
        return rules.stream().filter(r -> ref.equals(r.meta().id()) || ref.equals(r.meta().name())).findFirst()
                .orElse(null);
    }

    /** The matching events, repartitioned by group key, through the processor and stores named {@code <id>-by-group}. */
    Detections detect(EventRouter events) {
        String name = spec.name();
        KStream<String, CloudTrailEvent> grouped = OriginStamp.repartition(events, name,
                e -> matched(e) >= 0 && groupKey(e) != null && token(e) != null, this::groupKey, kit);
        return Bursts.count(grouped, spec, kit);
    }

    /** Index of the first referred rule the event matches, or -1. */
    private int matched(CloudTrailEvent event) {
        for (int i = 0; i < referred.size(); i++) {
            if (referred.get(i).matches(event)) {
                return i;
            }
        }
        return -1;
    }

    /** The group-by values joined with {@code |}, or null when the event lacks one. */
    private String groupKey(CloudTrailEvent event) {
        int rule = matched(event);
        if (rule < 0) {
            return null;
        }
        return correlation.groupKey(names.get(rule), event.record()).map(values -> String.join("|", values))
                .orElse(null);
    }

    /** What the window counts: the rule matched, or for value_count the value(s) of the condition's field(s). */
    private String token(CloudTrailEvent event) {
        int rule = matched(event);
        if (rule < 0) {
            return null;
        }
        if (correlation.type() != SigmaCorrelation.Type.VALUE_COUNT) {
            return names.get(rule);
        }
        return correlation.values(names.get(rule), correlation.condition().fields(), event.record())
                .map(values -> String.join("|", values)).orElse(null);
    }

    private Alerts.Finding finding(BurstSpec.Tally tally) {
        var meta = correlation.meta();
        Map<String, Object> evidence = BurstEvidence.of("group", "events", tally, spec.minEvents(),
                correlation.timespan());
        evidence.put("groupBy", correlation.groupBy());
        evidence.put(correlation.type() == SigmaCorrelation.Type.VALUE_COUNT ? "values" : "rulesMatched",
                tally.tokens());
        Map<String, Object> sigma = new LinkedHashMap<>();
        sigma.put("id", meta.id());
        sigma.put("title", meta.title());
        sigma.put("type", correlation.type().sigmaName());
        sigma.put("rules", correlation.rules());
        sigma.put("file", correlation.source());
        if (!meta.author().isBlank()) {
            sigma.put("author", meta.author());
        }
        if (!meta.references().isEmpty()) {
            sigma.put("references", meta.references());
        }
        if (!meta.license().isBlank()) {
            sigma.put("license", meta.license());
        }
        evidence.put("sigma", sigma);
        String description = correlation.type().sigmaName() + " correlation of " + correlation.rules() + " for "
                + String.join(", ", correlation.groupBy()) + " = " + tally.entity() + ": " + tally.count()
                + " events (" + BurstEvidence.head(tally.tokens()) + ") in the " + Durations.format(
                correlation.timespan()) + " window from " + Instant.ofEpochMilli(tally.start())
                + (meta.description().isBlank() ? "." : ". " + meta.description().strip());
        String runbook = "Review the correlated events of " + tally.entity() + " (their event ids are listed) and what"
                + " the principal did around them; the rule's false positives: "
                + (meta.falsePositives().isEmpty() ? "none listed" : String.join("; ", meta.falsePositives()))
                + ". If nobody expected it, revoke the principal's credentials and undo the changes.";
        return new Alerts.Finding(correlation.ruleId(), meta.title() + ": " + tally.entity(), description,
                meta.severity(), meta.mitre(), runbook, evidence);
    }
}
