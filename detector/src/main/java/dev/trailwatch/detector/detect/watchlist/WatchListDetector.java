package dev.trailwatch.detector.detect.watchlist;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.suppress.Suppression;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Single-event watch-list: every rule file's CloudWatch filter pattern is tried against each event (only the rules
 * indexed under the event's name, plus the unindexed ones), and each match becomes a draft alert.
 *
 * <p>Matches below the configured minimum severity are counted in metrics and go no further: they never reach the
 * alerts topic and cost no state. The rest pass per-entity suppression, so a principal repeating a watched call
 * fifty times in an hour makes one alert and one follow-up, not fifty. Stateless otherwise; runs on the
 * account-keyed input partitions with no repartition.
 *
 * <p>The rules can change while the detector runs (the rules topic, hot reload): each event is matched against the
 * pack in force when it is processed, so a change shows in the alert stream from that point on.
 */
public final class WatchListDetector implements DetectionFamily {

    public static final String ID = "watchlist";

    private final Supplier<RulePack> rules;
    private final Duration suppressionWindow;
    private final DetectionKit kit;

    /**
     * @param rules the rules in force when an event is matched: fixed, or {@code LiveRules} (the rule files with the
     *              rules topic over them), read once per event
     */
    public WatchListDetector(Supplier<RulePack> rules, Duration suppressionWindow, DetectionKit kit) {
        this.rules = rules;
        this.suppressionWindow = suppressionWindow;
        this.kit = kit;
    }

    @Override
    public Detections build(EventRouter events) {
        KStream<String, Alert> drafts = events.flatMapValues(ID + "-match", this::alertsFor);
        return Detections.of(ID, Suppression.apply(drafts, ID, suppressionWindow, kit));
    }

    private List<Alert> alertsFor(CloudTrailEvent event) {
        List<Rule> matched = rules.get().matching(event);
        if (matched.isEmpty()) {
            return List.of();
        }
        List<Alert> drafts = new ArrayList<>(matched.size());
        for (Rule rule : matched) {
            Severity severity = rule.severityFor(event);
            if (kit.severity().passes(rule.id(), severity)) {
                drafts.add(Alerts.draft(new Alerts.Finding(rule.id(), rule.renderTitle(event),
                        rule.renderDescription(event), severity, rule.mitre(), rule.runbook(), rule.evidence(event)),
                        event));
            }
        }
        return drafts;
    }
}
