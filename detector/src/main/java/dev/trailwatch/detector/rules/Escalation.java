package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;

/**
 * Raises a rule's severity for the events its condition holds for (root instead of a user, 0.0.0.0/0, ...); the same
 * record, in a rule's {@code lowerings:}, lowers it (a call made by an AWS service's own service-linked role). A
 * lowering may instead (or as well) name an {@link AccountReader} in {@code insideOrganization:}: it then holds when
 * every account the request hands something to is the event's own or one the operator declared.
 *
 * @param condition          the filter pattern and/or matcher that must hold; null when only
 *                           {@code insideOrganization} is given
 * @param insideOrganization the reader of the accounts that must all be inside the declared organization, or null
 */
public record Escalation(Condition condition, Severity severity, AccountReader insideOrganization) {

    public Escalation(Condition condition, Severity severity) {
        this(condition, severity, null);
    }

    public Escalation {
        if (condition == null && insideOrganization == null) {
            throw new IllegalArgumentException("an escalation needs a condition, insideOrganization or both");
        }
    }

    /** Whether it holds with no account declared (an {@code insideOrganization} lowering then never does). */
    public boolean appliesTo(CloudTrailEvent event) {
        return appliesTo(event, Organization.NONE);
    }

    public boolean appliesTo(CloudTrailEvent event, Organization organization) {
        return (condition == null || condition.matches(event))
                && (insideOrganization == null || insideOrganization.insideOrganization(event, organization));
    }

    /** The condition in words, for docs and the alert evidence. */
    public String describe() {
        String inside = insideOrganization == null ? null : "every account of " + insideOrganization.name()
                + " is a declared member of the organization or the account itself";
        if (condition == null) {
            return inside;
        }
        return inside == null ? condition.describe() : condition.describe() + " and " + inside;
    }
}
