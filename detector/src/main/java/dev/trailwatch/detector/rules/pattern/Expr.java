package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A parsed filter pattern: a tree of {@code &&}, {@code ||} and conditions on selectors, evaluated directly. */
sealed interface Expr permits Expr.AllOf, Expr.AnyOf, Equality, InSet, NumericComparison, Check {

    boolean matches(JsonNode event);

    /**
     * The finite set of literal strings that {@code selector} must equal in every event this expression matches, or
     * empty when no such set is known (the expression does not pin the selector down).
     */
    Optional<Set<String>> requiredValues(Selector selector);

    /**
     * Whether {@code selector} must land on a present value (resolve to a node, JSON {@code null} included) in every
     * event this expression matches; false when that is not known.
     */
    boolean requiresPresent(Selector selector);

    /** {@code a && b && ...}: every part must match; parts are tried in written order and stop at the first miss. */
    record AllOf(List<Expr> parts) implements Expr {
        public AllOf {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean matches(JsonNode event) {
            for (int i = 0; i < parts.size(); i++) {
                if (!parts.get(i).matches(event)) {
                    return false;
                }
            }
            return true;
        }

        /** One constraining part is enough; several intersect (an empty result means the pattern can never match). */
        @Override
        public Optional<Set<String>> requiredValues(Selector selector) {
            Set<String> values = null;
            for (Expr part : parts) {
                Optional<Set<String>> required = part.requiredValues(selector);
                if (required.isPresent()) {
                    if (values == null) {
                        values = new LinkedHashSet<>(required.get());
                    } else {
                        values.retainAll(required.get());
                    }
                }
            }
            return values == null ? Optional.empty() : Optional.of(Collections.unmodifiableSet(values));
        }

        /** One part that needs it is enough. */
        @Override
        public boolean requiresPresent(Selector selector) {
            for (Expr part : parts) {
                if (part.requiresPresent(selector)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code a || b || ...}: some part must match; parts are tried in written order and stop at the first hit. */
    record AnyOf(List<Expr> parts) implements Expr {
        public AnyOf {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean matches(JsonNode event) {
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).matches(event)) {
                    return true;
                }
            }
            return false;
        }

        /** Only when every alternative pins the selector down; the result is their union. */
        @Override
        public Optional<Set<String>> requiredValues(Selector selector) {
            Set<String> values = new LinkedHashSet<>();
            for (Expr part : parts) {
                Optional<Set<String>> required = part.requiredValues(selector);
                if (required.isEmpty()) {
                    return Optional.empty();
                }
                values.addAll(required.get());
            }
            return Optional.of(Collections.unmodifiableSet(values));
        }

        /** Only when every alternative needs it. */
        @Override
        public boolean requiresPresent(Selector selector) {
            for (Expr part : parts) {
                if (!part.requiresPresent(selector)) {
                    return false;
                }
            }
            return !parts.isEmpty();
        }
    }
}
