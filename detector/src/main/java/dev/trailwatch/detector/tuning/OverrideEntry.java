package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One override of a rule: off ({@code disabled}), another {@code severity}, or other thresholds and windows
 * ({@code settings}, stateful detections only, applied at start). Severity and disabling may be limited to some
 * accounts or OUs; with neither, the override is for the whole organization.
 *
 * @param settings detector setting name ({@code burst.failed-login.threshold}) to value, checked at load
 * @param source   the file it came from, for messages
 * @param tests    its inline test cases ({@code trailwatch rules test}); they do not change what it does
 */
public record OverrideEntry(String id, String reason, String owner, Instant expires, String rule, boolean disabled,
                            Severity severity, Set<String> accounts, List<Glob> ous, Map<String, String> settings,
                            String source, List<TuningCase> tests) {

    /** How specific a matching scope is: accounts beat OUs beat the whole organization. */
    static final int NOT_IN_SCOPE = -1;

    public OverrideEntry {
        accounts = Set.copyOf(accounts);
        ous = List.copyOf(ous);
        settings = Map.copyOf(settings);
        tests = tests == null ? List.of() : List.copyOf(tests);
    }

    /** An override without inline tests. */
    public OverrideEntry(String id, String reason, String owner, Instant expires, String rule, boolean disabled,
                         Severity severity, Set<String> accounts, List<Glob> ous, Map<String, String> settings,
                         String source) {
        this(id, reason, owner, expires, rule, disabled, severity, accounts, ous, settings, source, List.of());
    }

    boolean scoped() {
        return !accounts.isEmpty() || !ous.isEmpty();
    }

    boolean usesOu() {
        return !ous.isEmpty();
    }

    /**
     * {@link #NOT_IN_SCOPE} when this override does not apply to the alert (another rule, another account, expired);
     * otherwise 2 when an account id put it in scope, 1 an OU, 0 an unscoped override.
     */
    int specificityFor(AlertSubject subject) {
        if (!rule.equals(subject.alert().ruleId())
                || (expires != null && subject.time() != null && !subject.time().isBefore(expires))) {
            return NOT_IN_SCOPE;
        }
        if (!scoped()) {
            return 0;
        }
        if (accounts.contains(subject.alert().accountId())) {
            return 2;
        }
        if (!ous.isEmpty()) {
            String ou = subject.ou();
            for (Glob glob : ous) {
                if (glob.matches(ou)) {
                    return 1;
                }
            }
        }
        return NOT_IN_SCOPE;
    }

    /** Where it applies, in words. */
    String scope() {
        if (!scoped()) {
            return "all accounts";
        }
        String byAccount = accounts.isEmpty() ? "" : "accounts " + accounts.stream().sorted().toList();
        String byOu = ous.isEmpty() ? "" : "OUs " + ous;
        return byAccount.isEmpty() ? byOu : byOu.isEmpty() ? byAccount : byAccount + " and " + byOu;
    }
}
