package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * The postfix tests AWS documents for JSON patterns: {@code IS TRUE}, {@code IS FALSE}, {@code IS NULL} and
 * {@code NOT EXISTS}. There is no {@code EXISTS} keyword; presence is written {@code = *} (which is also what the AWS
 * CDK's {@code FilterPattern.exists} renders).
 */
record Check(Selector selector, Kind kind) implements Expr {

    enum Kind {
        /** The value is the JSON boolean {@code true} (the string {@code "true"} is not). */
        IS_TRUE,
        /** The value is the JSON boolean {@code false}. */
        IS_FALSE,
        /** The field is present and set to JSON {@code null}. */
        IS_NULL,
        /** The path does not exist: a missing property, an index past the end, or a step through a non-container. */
        NOT_EXISTS
    }

    @Override
    public boolean matches(JsonNode event) {
        JsonNode value = selector.resolve(event);
        return switch (kind) {
            case IS_TRUE -> value != null && value.isBoolean() && value.booleanValue();
            case IS_FALSE -> value != null && value.isBoolean() && !value.booleanValue();
            case IS_NULL -> value != null && value.isNull();
            case NOT_EXISTS -> value == null;
        };
    }

    @Override
    public Optional<Set<String>> requiredValues(Selector wanted) {
        return Optional.empty();
    }

    /** Every check but {@code NOT EXISTS} needs the path to exist. */
    @Override
    public boolean requiresPresent(Selector wanted) {
        return kind != Kind.NOT_EXISTS && selector.equals(wanted);
    }
}
