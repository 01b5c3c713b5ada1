package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * {@code SELECTOR = VALUE} or {@code SELECTOR != VALUE}.
 *
 * <p>Both need the selector to land on a present scalar (string, number or boolean). When the field is missing, or
 * is {@code null}, an object or an array, <em>neither</em> {@code =} nor {@code !=} matches. AWS documents this for
 * objects and arrays ("both {$.users = 1} and {$.users != 1} will fail to match" an array), and a missing field
 * behaves the same in CloudWatch's own pattern tester: {@code $.userIdentity.invokedBy != "cloudfront.amazonaws.com"}
 * does not match a record without {@code invokedBy} (DataBiosphere/azul#5884). Use {@code NOT EXISTS} or
 * {@code IS NULL} to match absence. So {@code !=} means "present and different", and a type mismatch (the string
 * {@code "AccessDenied"} against {@code != 500}) counts as different.
 */
record Equality(Selector selector, boolean negated, Operand operand) implements Expr {

    @Override
    public boolean matches(JsonNode event) {
        JsonNode value = selector.resolve(event);
        if (value == null || !value.isValueNode() || value.isNull()) {
            return false;
        }
        return operand.matches(value) != negated;
    }

    /** An exact {@code =} on this selector pins it to one value; wildcards, regexes, numbers and {@code !=} do not. */
    @Override
    public Optional<Set<String>> requiredValues(Selector wanted) {
        if (!negated && operand instanceof Operand.Text text && selector.equals(wanted)) {
            return Optional.of(Set.of(text.value()));
        }
        return Optional.empty();
    }

    /** {@code =} and {@code !=} alike match only a present scalar. */
    @Override
    public boolean requiresPresent(Selector wanted) {
        return selector.equals(wanted);
    }
}
