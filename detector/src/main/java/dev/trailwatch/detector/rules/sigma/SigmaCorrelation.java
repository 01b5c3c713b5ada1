package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Sigma correlation rule, parsed and checked (Sigma correlation specification 2.1): which rules it correlates, how
 * events are grouped, within what time, and when the correlation matches. The burst family runs it in-stream
 * ({@code SigmaCorrelationDetector}; docs/sigma.md says which conditions can run).
 *
 * @param source     the file
 * @param document   1-based document index in the file
 * @param ruleId     the alert {@code ruleId} it will raise ({@code sigma-<file>[-<name>]})
 * @param meta       title, id, name, level, status, author, ... as for a rule ({@code level} empty when not given)
 * @param type       the correlation type
 * @param rules      the referred rules (Sigma ids or names) in the order written; resolved by {@link SigmaRules}
 * @param groupBy    the fields (or aliases) whose values must be equal for events to correlate
 * @param timespan   the time frame
 * @param condition  when the count matches (for temporal types without one: every referred rule, in order for
 *                   {@code temporal_ordered})
 * @param aliases    alias -> (referred rule name -> field in that rule's events)
 * @param generate   whether the referred rules also alert on their own ({@code generate: true}); default false
 */
public record SigmaCorrelation(String source, int document, String ruleId, SigmaMeta meta, Type type,
                               List<String> rules, List<String> groupBy, Duration timespan, CountCondition condition,
                               Map<String, Map<String, String>> aliases, boolean generate) {

    public SigmaCorrelation {
        rules = List.copyOf(rules);
        groupBy = List.copyOf(groupBy);
        aliases = Map.copyOf(aliases);
    }

    /** The correlation types TrailWatch models; value_sum, value_avg and value_percentile are refused. */
    public enum Type {
        EVENT_COUNT, VALUE_COUNT, TEMPORAL, TEMPORAL_ORDERED;

        /** The name as Sigma writes it ({@code event_count}). */
        public String sigmaName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A count condition: every bound must hold ({@code gt: 100, lte: 200} is 101..200). For {@code value_count}
     * {@code fields} are the fields whose distinct values are counted (several: their combination).
     */
    public record CountCondition(List<Bound> bounds, List<String> fields) {

        public CountCondition {
            bounds = List.copyOf(bounds);
            fields = List.copyOf(fields);
        }

        public boolean test(long count) {
            return bounds.stream().allMatch(b -> b.test(count));
        }
    }

    /** One comparison of the count: {@code gt}, {@code gte}, {@code lt}, {@code lte}, {@code eq}, {@code neq}. */
    public record Bound(String op, long value) {
        public boolean test(long count) {
            return switch (op) {
                case "gt" -> count > value;
                case "gte" -> count >= value;
                case "lt" -> count < value;
                case "lte" -> count <= value;
                case "eq" -> count == value;
                default -> count != value;
            };
        }
    }

    /**
     * The count an in-stream correlation fires at: the least count that satisfies the condition, when every bound is a
     * lower one ({@code gt}, {@code gte}), so that once a window reaches it no later event can undo the match (a
     * temporal condition given none is {@code gte} every referred rule). Empty for a condition a stream cannot decide
     * when a window reaches it ({@code lt}, {@code lte}, {@code eq}, {@code neq}: the count could still grow past it).
     */
    public Optional<Integer> threshold() {
        long least = 1;
        for (Bound bound : condition.bounds()) {
            switch (bound.op()) {
                case "gte" -> least = Math.max(least, bound.value());
                case "gt" -> least = Math.max(least, bound.value() + 1);
                default -> {
                    return Optional.empty();
                }
            }
        }
        return least > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) least);
    }

    /**
     * The group key of an event that matched the referred rule {@code rule} (as written in {@code rules}): the values
     * of the group-by fields, an alias resolved to that rule's field. Empty when a group-by field is missing, as
     * such an event cannot be grouped.
     */
    public Optional<List<String>> groupKey(String rule, JsonNode record) {
        return values(rule, groupBy, record);
    }

    /**
     * The values of {@code fields} (or aliases) in an event that matched the referred rule {@code rule}: the group
     * key, or for {@code value_count} the value counted. Empty when a field is missing.
     */
    public Optional<List<String>> values(String rule, List<String> fields, JsonNode record) {
        List<String> key = new ArrayList<>(fields.size());
        for (String field : fields) {
            String name = aliases.containsKey(field) ? aliases.get(field).get(rule) : field;
            if (name == null) {
                return Optional.empty();
            }
            List<JsonNode> values = FieldRef.of(name).values(record).stream().filter(v -> !v.isNull()).toList();
            if (values.isEmpty()) {
                return Optional.empty();
            }
            key.add(values.get(0).asText());
        }
        return Optional.of(key);
    }
}
