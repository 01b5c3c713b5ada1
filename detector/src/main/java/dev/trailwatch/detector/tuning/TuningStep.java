package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the current {@link TuningSet} to every alert on its way to the alerts topic: the one place exceptions,
 * disabled rules and severity overrides take effect, for every kind of detection, in {@code run} and {@code scan}
 * alike. The topology puts it in front of each alert sink, after the account is named.
 *
 * <p>Per alert, not per event: its cost (an OU lookup in the accounts table, a small JSON view for filter patterns)
 * is paid only by alerts, and only when an entry for the alert's rule needs it. Nothing is dropped silently: an
 * excepted alert counts in {@code trailwatch_alerts_excepted_total{rule,exception}} and, with
 * {@code tuning.audit-log}, is logged at INFO on the {@code trailwatch.tuning.audit} logger; an alert of a disabled
 * rule counts in {@code trailwatch_alerts_disabled_total{rule}}; one an override put below
 * {@code alerts.min.severity} counts in {@code trailwatch_alerts_total} like any other alert below it.
 */
public final class TuningStep implements FixedKeyProcessor<String, Alert, Alert> {

    /** Its own logger name, so that an audit trail can be routed to its own file or index. */
    private static final Logger AUDIT = LoggerFactory.getLogger("trailwatch.tuning.audit");

    private final Supplier<TuningSet> tuning;
    private final KnownAccounts accounts;
    private final TrailWatchMetrics metrics;
    private final Severity minimum;
    private final boolean audit;
    private FixedKeyProcessorContext<String, Alert> context;
    private KnownAccounts.Table table;

    private TuningStep(Supplier<TuningSet> tuning, KnownAccounts accounts, TrailWatchMetrics metrics,
                       Severity minimum, boolean audit) {
        this.tuning = tuning;
        this.accounts = accounts;
        this.metrics = metrics;
        this.minimum = minimum;
        this.audit = audit;
    }

    /**
     * @param tuning   read once per alert: a supplier that returns a newer set makes it apply from the next alert on
     * @param accounts the accounts table, for OUs
     * @param minimum  {@code alerts.min.severity}, for alerts an override lowered below it
     * @param audit    {@code tuning.audit-log}: log each excepted or disabled alert at INFO
     */
    public static FixedKeyProcessorSupplier<String, Alert, Alert> supplier(Supplier<TuningSet> tuning,
                                                                           KnownAccounts accounts,
                                                                           TrailWatchMetrics metrics,
                                                                           Severity minimum, boolean audit) {
        return () -> new TuningStep(tuning, accounts, metrics, minimum, audit);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Alert> context) {
        this.context = context;
        this.table = KnownAccounts.table(context.getStateStore(accounts.storeName()));
    }

    @Override
    public void process(FixedKeyRecord<String, Alert> record) {
        TuningSet set = tuning.get();
        if (set.isEmpty()) {
            context.forward(record);
            return;
        }
        Verdict verdict = set.judge(new AlertSubject(record.value(), this::ouOf));
        if (verdict instanceof Verdict.Keep keep) {
            keep(record, keep);
        } else if (verdict instanceof Verdict.Excepted excepted) {
            excepted(excepted);
        } else if (verdict instanceof Verdict.Disabled disabled) {
            disabled(disabled);
        }
    }

    private void excepted(Verdict.Excepted excepted) {
        Alert alert = excepted.alert();
        ExceptionEntry e = excepted.exception();
        metrics.alertExcepted(alert.ruleId(), e.id());
        if (audit) {
            AUDIT.info("alert {} ({}, {}, account {}, principal {}) excepted by {} (owner {}, {}): {}",
                    alert.alertId(), alert.ruleId(), alert.severity(), alert.accountId(), alert.principal(), e.id(),
                    e.owner(), e.source(), e.reason());
        }
    }

    private void disabled(Verdict.Disabled disabled) {
        Alert alert = disabled.alert();
        OverrideEntry o = disabled.override();
        metrics.alertDisabled(alert.ruleId());
        if (audit) {
            AUDIT.info("alert {} ({}, account {}) not written: rule disabled by override {} (owner {}, {}): {}",
                    alert.alertId(), alert.ruleId(), alert.accountId(), o.id(), o.owner(), o.source(), o.reason());
        }
    }

    private void keep(FixedKeyRecord<String, Alert> record, Verdict.Keep keep) {
        Alert alert = keep.alert();
        if (keep.severityBy() != null && !alert.severity().atLeast(minimum)) {
            metrics.alertEmitted(alert.ruleId(), alert.severity()); // counted, not written, like any alert below it
            return;
        }
        context.forward(keep.severityBy() == null ? record : record.withValue(alert));
    }

    private String ouOf(String accountId) {
        AccountInfo info = table.get(accountId);
        return info == null ? null : info.ou();
    }
}
