package dev.trailwatch.detector.detect.watchlist;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.rules.Organization;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.suppress.Suppression;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Single-event watch-list: every rule file's CloudWatch filter pattern is tried against each event (only the rules
 * indexed under the event's name, plus the unindexed ones), and each match becomes a draft alert.
 *
 * <p>Matches below the configured minimum severity are counted in metrics and go no further: they never reach the
 * alerts topic and cost no state. The rest pass per-entity suppression, so a principal repeating a watched call
 * fifty times in an hour makes one alert and one follow-up, not fifty. Stateless otherwise; runs on the
 * account-keyed input partitions with no repartition.
 *
 * <p>A rule's {@code insideOrganization} lowering reads the accounts the operator declared (the global accounts
 * table and {@code accounts.known}), never the accounts learned from traffic: the severity stays a function of the
 * event and the configuration.
 *
 * <p>The rules can change while the detector runs (the rules topic, hot reload): each event is matched against the
 * pack in force when it is processed, so a change shows in the alert stream from that point on.
 */
public final class WatchListDetector implements DetectionFamily {

    public static final String ID = "watchlist";

    private final Supplier<RulePack> rules;
    private final KnownAccounts accounts;
    private final Duration suppressionWindow;
    private final DetectionKit kit;

    /**
     * @param rules the rules in force when an event is matched: fixed, or {@code LiveRules} (the rule files with the
     *              rules topic over them), read once per event
     * @param accounts the organization's accounts: the accounts the operator declared decide a rule's
     *                 {@code insideOrganization} lowering (looked up only for the events such a rule matched)
     */
    public WatchListDetector(Supplier<RulePack> rules, KnownAccounts accounts, Duration suppressionWindow,
                             DetectionKit kit) {
        this.rules = rules;
        this.accounts = accounts;
        this.suppressionWindow = suppressionWindow;
        this.kit = kit;
    }

    /**
     * The match step is a plain processor that forwards each draft, not a {@code flatMapValues}: Kafka Streams makes
     * a fixed-key record for every event a fixed-key node receives, and the mapper's result is iterated even when
     * empty, which it is for almost every event. The step's name, its place in the graph and its key (the account, as
     * received) are the same.
     */
    @Override
    public Detections build(EventRouter events) {
        KStream<String, Alert> drafts = events.process(ID + "-match", Matcher::new);
        return Detections.of(ID, Suppression.apply(drafts, ID, suppressionWindow, kit));
    }

    /** Each event's draft alerts, forwarded with the event's key and timestamp. */
    private final class Matcher extends ContextualProcessor<String, CloudTrailEvent, String, Alert> {

        /** The declared accounts: {@code accounts.known} and the operator's entries of the accounts topic. */
        private Organization organization;

        @Override
        public void init(ProcessorContext<String, Alert> context) {
            super.init(context);
            ReadOnlyKeyValueStore<String, ValueAndTimestamp<AccountInfo>> store =
                    context.getStateStore(accounts.storeName());
            KnownAccounts.Table table = KnownAccounts.table(store);
            this.organization = accountId -> accounts.declares(accountId, table);
        }

        @Override
        public void process(Record<String, CloudTrailEvent> record) {
            List<Alert> drafts = alertsFor(record.value(), organization);
            for (int i = 0; i < drafts.size(); i++) {
                context().forward(record.withValue(drafts.get(i)));
            }
        }
    }

    private List<Alert> alertsFor(CloudTrailEvent event, Organization organization) {
        List<Rule> matched = rules.get().matching(event);
        if (matched.isEmpty()) {
            return List.of();
        }
        List<Alert> drafts = new ArrayList<>(matched.size());
        for (Rule rule : matched) {
            Severity severity = rule.severityFor(event, organization);
            if (kit.severity().passes(rule.id(), severity)) {
                drafts.add(Alerts.draft(new Alerts.Finding(rule.id(), rule.renderTitle(event),
                        rule.renderDescription(event), severity, rule.mitre(), rule.runbook(),
                        rule.evidence(event, organization)), event));
            }
        }
        return drafts;
    }
}
