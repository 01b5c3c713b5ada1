package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;

/**
 * Raises a rule's severity for the events its condition holds for (root instead of a user, 0.0.0.0/0, ...); the same
 * record, in a rule's {@code lowerings:}, lowers it (a call made by an AWS service's own service-linked role).
 */
public record Escalation(Condition condition, Severity severity) {

    public boolean appliesTo(CloudTrailEvent event) {
        return condition.matches(event);
    }

    /** The condition in words, for docs and the alert evidence. */
    public String describe() {
        return condition.describe();
    }
}
