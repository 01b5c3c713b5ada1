package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.util.Optional;
import java.util.Set;

/**
 * One inline test case of a rule file: a real-shaped CloudTrail record, whether the rule must match it and, when
 * given, the severity it must then have with {@code knownAccounts} declared as the organization's accounts.
 */
public record RuleCase(String name, boolean expect, Optional<Severity> expectSeverity, Set<String> knownAccounts,
                       CloudTrailEvent event) {

    public RuleCase {
        knownAccounts = Set.copyOf(knownAccounts);
    }

    public RuleCase(String name, boolean expect, Optional<Severity> expectSeverity, CloudTrailEvent event) {
        this(name, expect, expectSeverity, Set.of(), event);
    }

    /** The organization this case declares: its {@code knownAccounts}. */
    public Organization organization() {
        return knownAccounts.isEmpty() ? Organization.NONE : knownAccounts::contains;
    }

    /** What is wrong when {@code rule} disagrees with this case, or empty when it agrees. */
    public Optional<String> check(Rule rule) {
        boolean matched = rule.matches(event);
        if (matched != expect) {
            return Optional.of("test '" + name + "': expected " + (expect ? "a match" : "no match") + " but the rule "
                    + (matched ? "matched" : "did not match"));
        }
        Severity severity = matched ? rule.severityFor(event, organization()) : null;
        if (matched && expectSeverity.isPresent() && severity != expectSeverity.get()) {
            return Optional.of("test '" + name + "': expected severity " + expectSeverity.get() + " but got "
                    + severity + (knownAccounts.isEmpty() ? "" : " (knownAccounts " + knownAccounts + ")"));
        }
        return Optional.empty();
    }
}
