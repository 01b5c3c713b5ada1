package dev.trailwatch.detector.tuning;

import java.time.Instant;
import java.util.List;

/**
 * One exception: "do not alert for these rules when ...". An alert it applies to is not written; it is counted in
 * {@code trailwatch_alerts_excepted_total{rule,exception}} and, with {@code tuning.audit-log}, logged at INFO.
 *
 * @param id      unique over all tuning files; the {@code exception} label of the metric
 * @param reason  why it is safe not to alert (shown in the audit log)
 * @param owner   who answers for it (a team or a person)
 * @param expires when it stops applying, judged by the alert's first event time; null = never
 * @param rules   the rules it covers
 * @param when    the conditions, all of which must hold
 * @param source  the file it came from, for messages
 * @param tests   its inline test cases ({@code trailwatch rules test}); they do not change what it does
 */
public record ExceptionEntry(String id, String reason, String owner, Instant expires, RuleScope rules,
                             Conditions when, String source, List<TuningCase> tests) {

    public ExceptionEntry {
        tests = tests == null ? List.of() : List.copyOf(tests);
    }

    /** An exception without inline tests. */
    public ExceptionEntry(String id, String reason, String owner, Instant expires, RuleScope rules, Conditions when,
                          String source) {
        this(id, reason, owner, expires, rules, when, source, List.of());
    }

    /** Whether this exception silences the alert: its rule is covered, it has not expired, its conditions hold. */
    public boolean appliesTo(AlertSubject subject) {
        return rules.includes(subject.alert().ruleId()) && activeAt(subject.time()) && when.matches(subject);
    }

    /** Not expired at this event time (an exception expiring at T covers events strictly before T). */
    public boolean activeAt(Instant eventTime) {
        return expires == null || eventTime == null || eventTime.isBefore(expires);
    }
}
