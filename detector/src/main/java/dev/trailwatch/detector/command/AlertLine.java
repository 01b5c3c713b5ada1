package dev.trailwatch.detector.command;

import dev.trailwatch.detector.model.Alert;

/** One alert as one readable terminal line: time, severity, rule, account, principal, source IP, title. */
final class AlertLine {

    private AlertLine() {
    }

    static String format(Alert alert) {
        String count = alert.eventCount() > 1 ? " (" + alert.eventCount() + " events)" : "";
        return String.format("%s  %-8s %-34s account=%s principal=%s ip=%s  %s%s",
                alert.firstEventTime(), alert.severity(), alert.ruleId(), orDash(alert.accountId()),
                orDash(alert.principal()), orDash(alert.sourceIp()), alert.title(), count);
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
