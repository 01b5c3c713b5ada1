package dev.trailwatch.detector.tuning;

import java.util.Set;

/**
 * The rules an exception covers: one rule id, a list, or every rule ({@code rules: all}).
 *
 * @param all true for every rule, built-in or user's, present or future
 * @param ids the rule ids when not {@code all}
 */
public record RuleScope(boolean all, Set<String> ids) {

    public RuleScope {
        ids = Set.copyOf(ids);
    }

    public static RuleScope every() {
        return new RuleScope(true, Set.of());
    }

    public static RuleScope of(Set<String> ids) {
        return new RuleScope(false, ids);
    }

    public boolean includes(String ruleId) {
        return all || ids.contains(ruleId);
    }

    @Override
    public String toString() {
        return all ? "all rules" : String.join(", ", ids.stream().sorted().toList());
    }
}
