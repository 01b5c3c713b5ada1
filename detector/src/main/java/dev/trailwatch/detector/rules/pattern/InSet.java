package dev.trailwatch.detector.rules.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ($.eventName = A) || ($.eventName = B) || ...} folded into one field lookup and one hash-set check. Most CIS
 * alarms are such lists (the IAM policy alarm has 16 names), and without folding every branch would walk the same
 * path again. Matches exactly what the unfolded {@link Equality} branches match.
 */
record InSet(Selector selector, Set<String> values) implements Expr {

    InSet {
        values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    @Override
    public boolean matches(JsonNode event) {
        JsonNode value = selector.resolve(event);
        if (value == null || !value.isValueNode() || value.isNull()) {
            return false;
        }
        return values.contains(Operand.textOf(value));
    }

    @Override
    public Optional<Set<String>> requiredValues(Selector wanted) {
        return selector.equals(wanted) ? Optional.of(values) : Optional.empty();
    }

    @Override
    public boolean requiresPresent(Selector wanted) {
        return selector.equals(wanted);
    }

    /**
     * The parts of an {@code ||} with exact {@code =} branches on the same selector merged into one {@link InSet};
     * merged sets come first, then the other parts in written order.
     */
    static List<Expr> fold(List<Expr> parts) {
        Map<Selector, Set<String>> exact = new LinkedHashMap<>();
        List<Expr> others = new ArrayList<>();
        for (Expr part : parts) {
            if (part instanceof Equality eq && !eq.negated() && eq.operand() instanceof Operand.Text text) {
                exact.computeIfAbsent(eq.selector(), key -> new LinkedHashSet<>()).add(text.value());
            } else {
                others.add(part);
            }
        }
        List<Expr> folded = new ArrayList<>();
        exact.forEach((selector, values) -> folded.add(values.size() == 1
                ? new Equality(selector, false, new Operand.Text(values.iterator().next()))
                : new InSet(selector, values)));
        folded.addAll(others);
        return folded;
    }
}
