package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import java.util.Objects;
import java.util.Optional;

/**
 * A filter pattern and/or a named matcher that must both hold: a rule's {@code condition:} + {@code matcher:}, or an
 * escalation's {@code when:} + {@code matcher:}. The pattern runs first: it is cheap and rules out most events.
 *
 * <p>A pattern that reads only the event's typed fields ({@link CloudTrailEvent#TYPED_PATHS}, e.g. the root-use and
 * AccessDenied rules, which are tried on every event) is matched against {@link CloudTrailEvent#typedFields()}, so
 * the record's whole tree is not built for it. Before either, a {@link TypedGuard} checks what the pattern needs of the
 * typed fields on the event's own fields (a value it pins down, a field it compares), which rules out most events.
 */
public final class Condition {

    private final FilterPattern pattern;
    private final RequestMatcher matcher;
    private final boolean typedOnly;
    /** What the pattern needs of the typed fields, checked on the event's fields first; null when nothing. */
    private final TypedGuard guard;

    public Condition(FilterPattern pattern, RequestMatcher matcher) {
        if (pattern == null && matcher == null) {
            throw new IllegalArgumentException("a condition needs a pattern, a matcher or both");
        }
        this.pattern = pattern;
        this.matcher = matcher;
        this.typedOnly = pattern != null && CloudTrailEvent.TYPED_PATHS.containsAll(pattern.selectors());
        this.guard = pattern == null ? null : TypedGuard.of(pattern);
    }

    public boolean matches(CloudTrailEvent event) {
        return (pattern == null || (guard == null || guard.admits(event))
                && pattern.matches(typedOnly ? event.typedFields() : event.record()))
                && (matcher == null || matcher.matches(event));
    }

    public FilterPattern pattern() {
        return pattern;
    }

    public RequestMatcher matcher() {
        return matcher;
    }

    /** Whether the pattern is matched without the record's whole tree. */
    public boolean typedOnly() {
        return typedOnly;
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

    @Override
    public boolean equals(Object other) {
        return other instanceof Condition that && Objects.equals(pattern, that.pattern)
                && Objects.equals(matcher, that.matcher);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pattern, matcher);
    }

    @Override
    public String toString() {
        return "Condition[" + describe() + "]";
    }
}
