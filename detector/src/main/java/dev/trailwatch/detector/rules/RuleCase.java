package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.util.Optional;

/**
 * One inline test case of a rule file: a real-shaped CloudTrail record, whether the rule must match it and, when
 * given, the severity it must then have.
 */
public record RuleCase(String name, boolean expect, Optional<Severity> expectSeverity, CloudTrailEvent event) {

    /** What is wrong when {@code rule} disagrees with this case, or empty when it agrees. */
    public Optional<String> check(Rule rule) {
        boolean matched = rule.matches(event);
        if (matched != expect) {
            return Optional.of("test '" + name + "': expected " + (expect ? "a match" : "no match") + " but the rule "
                    + (matched ? "matched" : "did not match"));
        }
        if (matched && expectSeverity.isPresent() && rule.severityFor(event) != expectSeverity.get()) {
            return Optional.of("test '" + name + "': expected severity " + expectSeverity.get() + " but got "
                    + rule.severityFor(event));
        }
        return Optional.empty();
    }
}
