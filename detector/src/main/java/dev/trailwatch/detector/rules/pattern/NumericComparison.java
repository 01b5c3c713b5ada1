package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * {@code SELECTOR < NUMBER} and its siblings {@code <=}, {@code >}, {@code >=}. AWS documents these for numbers only, so
 * the parser rejects {@code $.a > "x"}. The value must be a JSON number or a string holding one; anything else,
 * including a missing field, does not match.
 */
record NumericComparison(Selector selector, Relation relation, NumberLiteral number) implements Expr {

    enum Relation {
        LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">=");

        private final String symbol;

        Relation(String symbol) {
            this.symbol = symbol;
        }

        /** The relation written {@code symbol}, or {@code null} for {@code =} and {@code !=}. */
        static Relation of(String symbol) {
            for (Relation relation : values()) {
                if (relation.symbol.equals(symbol)) {
                    return relation;
                }
            }
            return null;
        }

        boolean holds(int order) {
            return switch (this) {
                case LESS -> order < 0;
                case LESS_OR_EQUAL -> order <= 0;
                case GREATER -> order > 0;
                case GREATER_OR_EQUAL -> order >= 0;
            };
        }
    }

    @Override
    public boolean matches(JsonNode event) {
        JsonNode value = selector.resolve(event);
        if (value == null) {
            return false;
        }
        int order = number.compareWith(value);
        return order != NumberLiteral.NOT_COMPARABLE && relation.holds(order);
    }

    @Override
    public Optional<Set<String>> requiredValues(Selector wanted) {
        return Optional.empty();
    }

    @Override
    public boolean requiresPresent(Selector wanted) {
        return selector.equals(wanted);
    }
}
