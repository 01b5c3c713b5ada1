package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import java.util.Optional;

/**
 * A filter pattern and/or a named matcher that must both hold: a rule's {@code condition:} + {@code matcher:}, or an
 * escalation's {@code when:} + {@code matcher:}. The pattern runs first: it is cheap and rules out most events.
 */
public record Condition(FilterPattern pattern, RequestMatcher matcher) {

    public Condition {
        if (pattern == null && matcher == null) {
            throw new IllegalArgumentException("a condition needs a pattern, a matcher or both");
        }
    }

    public boolean matches(CloudTrailEvent event) {
        return (pattern == null || pattern.matches(event.record())) && (matcher == null || matcher.matches(event));
    }

    public Optional<String> matcherName() {
        return Optional.ofNullable(matcher).map(RequestMatcher::name);
    }

    /** How docs and evidence name it: the pattern text, the matcher, or both. */
    public String describe() {
        if (pattern == null) {
            return "matcher " + matcher.name();
        }
        return matcher == null ? pattern.text() : pattern.text() + " and matcher " + matcher.name();
    }
}
