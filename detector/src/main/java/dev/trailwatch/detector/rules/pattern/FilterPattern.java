package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A CloudWatch Logs filter pattern for JSON log events, such as the CIS AWS Foundations alarm
 * {@code { ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }}, parsed once and matched
 * against CloudTrail records.
 *
 * <p>Watch-list rules carry the same pattern text their authors already run as CloudWatch metric filters, so a rule
 * behaves here as it does in CloudWatch. The grammar and every semantic choice, with the AWS evidence behind it, are
 * in the {@linkplain dev.trailwatch.detector.rules.pattern package documentation}.
 *
 * <p>Instances are immutable and thread-safe. {@link #matches} does no parsing or allocation beyond what Jackson's
 * field lookups need, because it runs for every event against every candidate rule.
 */
public final class FilterPattern {

    private final String text;
    private final Expr expr;
    private final Set<String> selectors;

    private FilterPattern(String text, Expr expr) {
        this.text = text;
        this.expr = expr;
        Set<String> paths = new LinkedHashSet<>();
        collectSelectors(expr, paths);
        this.selectors = Collections.unmodifiableSet(paths);
    }

    private static void collectSelectors(Expr expr, Set<String> into) {
        if (expr instanceof Expr.AllOf all) {
            all.parts().forEach(part -> collectSelectors(part, into));
        } else if (expr instanceof Expr.AnyOf any) {
            any.parts().forEach(part -> collectSelectors(part, into));
        } else if (expr instanceof Equality e) {
            into.add(e.selector().toString());
        } else if (expr instanceof InSet in) {
            into.add(in.selector().toString());
        } else if (expr instanceof NumericComparison n) {
            into.add(n.selector().toString());
        } else if (expr instanceof Check c) {
            into.add(c.selector().toString());
        }
    }

    /**
     * Parses a JSON filter pattern.
     *
     * @param text the pattern, braces included, e.g. {@code { $.eventName = ConsoleLogin }}
     * @return the parsed pattern, which keeps {@code text} verbatim
     * @throws FilterPatternException if the text is not a valid pattern; its message names the column and the problem
     */
    public static FilterPattern parse(String text) {
        Objects.requireNonNull(text, "text");
        return new FilterPattern(text, Parser.parse(text));
    }

    /**
     * Whether one CloudTrail record (the whole JSON object) matches. A {@code null} event matches nothing.
     *
     * @param event one CloudTrail record, as parsed once by the detector
     * @return true if the pattern matches the record
     */
    public boolean matches(JsonNode event) {
        return event != null && expr.matches(event);
    }

    /**
     * The literal values {@code selector} must equal in every event this pattern matches, used to index rules: for
     * {@code requiredValues("$.eventName")}, {@code { ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }}
     * gives {@code [CreateTrail, DeleteTrail]}, and {@code { $.eventSource = kms.amazonaws.com && $.eventName =
     * DisableKey }} gives {@code [DisableKey]}.
     *
     * <p>Empty when the pattern does not pin the selector to a finite set of exact strings: it never mentions it, uses
     * {@code !=}, a wildcard, a regex or a number on it, or has an {@code ||} branch that does not constrain it. An
     * empty <em>set</em> (present optional) means the {@code &&} of contradictory values: the pattern never matches.
     *
     * @param selector a selector such as {@code $.eventName}
     * @return the required values, or empty when the pattern does not pin {@code selector} down
     * @throws FilterPatternException if {@code selector} is not a valid selector
     */
    public Optional<Set<String>> requiredValues(String selector) {
        Objects.requireNonNull(selector, "selector");
        return expr.requiredValues(Selector.parse(selector));
    }

    /**
     * Whether {@code selector} must exist (resolve to a value, JSON {@code null} included) in every event this pattern
     * matches: it is compared with {@code =}, {@code !=}, a number or a set, or checked with {@code IS TRUE/FALSE/NULL},
     * on every path through the pattern's {@code ||}s. False when the pattern does not say (or allows its absence).
     *
     * @throws FilterPatternException if {@code selector} is not a valid selector
     */
    public boolean requiresPresent(String selector) {
        Objects.requireNonNull(selector, "selector");
        return expr.requiresPresent(Selector.parse(selector));
    }

    /**
     * Every selector the pattern reads, as written ({@code $.userIdentity.type}), in order of first use. The detector
     * uses it to match a pattern that reads only the typed fields without building the record's whole tree.
     */
    public Set<String> selectors() {
        return selectors;
    }

    /** The pattern exactly as given to {@link #parse}. */
    public String text() {
        return text;
    }

    /** Patterns are equal when their texts are, since the text is what rule files and alerts show. */
    @Override
    public boolean equals(Object other) {
        return other instanceof FilterPattern that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The original pattern text, so that logs and alerts show what the rule author wrote. */
    @Override
    public String toString() {
        return text;
    }
}
