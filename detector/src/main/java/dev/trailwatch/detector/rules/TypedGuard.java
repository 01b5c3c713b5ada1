package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.TypedField;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a filter pattern needs of an event's typed fields before it can match, checked on the event's own fields: a
 * field the pattern pins to a set of exact values ({@code $.userIdentity.type = "Root"}) must hold one of them, and a
 * field every match compares must be present ({@code $.errorCode = "AccessDenied*"}).
 *
 * <p>Most events fail a rule on such a field, and the rules tried on every event (root use, AccessDenied: not indexed by
 * event name) fail there on almost all; reading the field from the event costs a call, where the pattern reads it
 * through a small JSON node built for the event and a lookup by name for each step of the path. The guard only says
 * "cannot match": an event it admits is still matched by the pattern. It is consulted only when the event's typed
 * fields are exact ({@link dev.trailwatch.detector.model.EventJson#typedExact}: each was a string or absent in the
 * record), so it answers what the record's tree would; otherwise the pattern decides alone.
 */
final class TypedGuard {

    /** One field's need: one of {@code values}, or (values null) any value at all. */
    private record Need(TypedField field, Set<String> values) {
    }

    private final Need[] needs;

    private TypedGuard(List<Need> needs) {
        this.needs = needs.toArray(Need[]::new);
    }

    /** The guard of {@code pattern}, or null when it needs nothing of the typed fields. */
    static TypedGuard of(FilterPattern pattern) {
        List<Need> needs = new ArrayList<>();
        for (String selector : pattern.selectors()) {
            TypedField field = TypedField.at(selector).orElse(null);
            if (field == null) {
                continue;
            }
            Optional<Set<String>> values = pattern.requiredValues(selector);
            if (values.isPresent()) {
                needs.add(new Need(field, values.get()));
            } else if (pattern.requiresPresent(selector)) {
                needs.add(new Need(field, null));
            }
        }
        return needs.isEmpty() ? null : new TypedGuard(needs);
    }

    /** False when the pattern cannot match {@code event}; true when it may (or the guard cannot tell). */
    boolean admits(CloudTrailEvent event) {
        if (event.json() == null || !event.json().typedExact()) {
            return true;
        }
        for (Need need : needs) {
            String value = need.field().of(event);
            if (value == null || need.values() != null && !need.values().contains(value)) {
                return false;
            }
        }
        return true;
    }
}
