package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code correlation:} document into a {@link SigmaCorrelation}, refusing with the key path what the
 * correlation specification forbids, and the metric types (value_sum, value_avg, value_percentile) TrailWatch does
 * not model. References to other rules are resolved later, over the whole collection, by {@link SigmaRules}.
 */
final class CorrelationParser {

    private static final Set<String> KEYS = Set.of("type", "rules", "group-by", "timespan", "condition", "aliases",
            "generate");
    private static final Set<String> OPS = Set.of("gt", "gte", "lt", "lte", "eq", "neq");
    private static final Set<String> METRIC_TYPES = Set.of("value_sum", "value_avg", "value_percentile");
    private static final Pattern TIMESPAN = Pattern.compile("(\\d+)([smhd])");

    private CorrelationParser() {
    }

    static SigmaCorrelation parse(String source, int document, String ruleId, JsonNode root) {
        SigmaMeta meta = RuleCompiler.meta(root, new ArrayList<>());
        RuleCompiler.checkStatus(meta);
        String taxonomy = RuleCompiler.text(root, "taxonomy");
        if (!taxonomy.isEmpty() && !taxonomy.equals("sigma")) {
            throw SigmaException.unsupported("taxonomy", "taxonomy '" + taxonomy + "': TrailWatch groups by"
                    + " CloudTrail's own field names (the default 'sigma' taxonomy)");
        }
        JsonNode c = root.path("correlation");
        if (!c.isObject()) {
            throw new SigmaException("correlation", "'correlation' must be a map (type, rules, group-by, timespan,"
                    + " condition)");
        }
        c.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                throw new SigmaException("correlation." + key, "unknown key '" + key + "' (known: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        });
        SigmaCorrelation.Type type = type(c.path("type"));
        List<String> rules = strings(c.path("rules"), "correlation.rules", true);
        if (type != SigmaCorrelation.Type.EVENT_COUNT && type != SigmaCorrelation.Type.VALUE_COUNT
                && rules.size() < 2) {
            throw new SigmaException("correlation.rules", type.sigmaName() + " correlates at least two rules");
        }
        if (!c.has("group-by")) {
            throw new SigmaException("correlation.group-by", "'group-by' is required (a list of fields)");
        }
        List<String> groupBy = strings(c.path("group-by"), "correlation.group-by", true);
        Duration timespan = timespan(c.path("timespan"));
        Map<String, Map<String, String>> aliases = aliases(c.path("aliases"), rules);
        SigmaCorrelation.CountCondition condition = condition(c.path("condition"), type, rules.size());
        JsonNode generate = c.path("generate");
        if (!generate.isMissingNode() && !generate.isBoolean()) {
            throw new SigmaException("correlation.generate", "'generate' must be true or false");
        }
        return new SigmaCorrelation(source, document, ruleId, meta, type, rules, groupBy, timespan, condition,
                aliases, generate.asBoolean(false));
    }

    private static SigmaCorrelation.Type type(JsonNode node) {
        String type = node.asText("");
        if (METRIC_TYPES.contains(type)) {
            throw SigmaException.unsupported("correlation.type", "type '" + type + "' is not supported (TrailWatch runs"
                    + " event_count, value_count, temporal and temporal_ordered)");
        }
        for (SigmaCorrelation.Type t : SigmaCorrelation.Type.values()) {
            if (t.sigmaName().equals(type)) {
                return t;
            }
        }
        throw new SigmaException("correlation.type", (type.isEmpty() ? "'type' is required" : "unknown type '" + type
                + "'") + " (event_count, value_count, temporal, temporal_ordered)");
    }

    private static Duration timespan(JsonNode node) {
        Matcher m = TIMESPAN.matcher(node.asText(""));
        if (!node.isTextual() || !m.matches()) {
            throw new SigmaException("correlation.timespan", "'timespan' must be a number and one of s, m, h, d"
                    + " (e.g. 10m, 1h), not '" + node.asText("") + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration span = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (span.isZero()) {
            throw new SigmaException("correlation.timespan", "'timespan' must be longer than zero");
        }
        return span;
    }

    private static SigmaCorrelation.CountCondition condition(JsonNode node, SigmaCorrelation.Type type, int rules) {
        boolean temporal = type == SigmaCorrelation.Type.TEMPORAL || type == SigmaCorrelation.Type.TEMPORAL_ORDERED;
        if (node.isMissingNode() || node.isNull()) {
            if (temporal) {
                return new SigmaCorrelation.CountCondition(List.of(new SigmaCorrelation.Bound("gte", rules)), List.of());
            }
            throw new SigmaException("correlation.condition", type.sigmaName() + " needs a 'condition' (e.g. gte: 10)");
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new SigmaException("correlation.condition", "'condition' must be a map such as {gte: 10}");
        }
        List<SigmaCorrelation.Bound> bounds = new ArrayList<>();
        List<String> fields = List.of();
        for (Map.Entry<String, JsonNode> e : iterable(node)) {
            String at = "correlation.condition." + e.getKey();
            if (e.getKey().equals("field")) {
                fields = strings(e.getValue(), at, false);
            } else if (OPS.contains(e.getKey())) {
                if (!e.getValue().canConvertToExactIntegral() || !e.getValue().isNumber()) {
                    throw new SigmaException(at, "'" + e.getKey() + "' needs a whole number");
                }
                bounds.add(new SigmaCorrelation.Bound(e.getKey(), e.getValue().longValue()));
            } else {
                throw new SigmaException(at, "unknown condition '" + e.getKey() + "' (gt, gte, lt, lte, eq, neq, field)");
            }
        }
        if (bounds.isEmpty()) {
            throw new SigmaException("correlation.condition", "the condition needs a comparison (gt, gte, lt, lte, eq,"
                    + " neq)");
        }
        if (type == SigmaCorrelation.Type.VALUE_COUNT && fields.isEmpty()) {
            throw new SigmaException("correlation.condition.field", "value_count needs 'field': the field whose"
                    + " distinct values are counted");
        }
        if (type != SigmaCorrelation.Type.VALUE_COUNT && !fields.isEmpty()) {
            throw new SigmaException("correlation.condition.field", "'field' only applies to value_count");
        }
        return new SigmaCorrelation.CountCondition(bounds, fields);
    }

    private static Map<String, Map<String, String>> aliases(JsonNode node, List<String> rules) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new SigmaException("correlation.aliases", "'aliases' must map alias -> (rule name -> field)");
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> alias : iterable(node)) {
            String at = "correlation.aliases." + alias.getKey();
            if (!alias.getValue().isObject() || alias.getValue().isEmpty()) {
                throw new SigmaException(at, "an alias must map rule names to fields");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : iterable(alias.getValue())) {
                if (!rules.contains(e.getKey())) {
                    throw new SigmaException(at + "." + e.getKey(), "'" + e.getKey() + "' is not one of the rules of"
                            + " this correlation (" + String.join(", ", rules) + ")");
                }
                if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                    throw new SigmaException(at + "." + e.getKey(), "the aliased field must be a field name");
                }
                fields.put(e.getKey(), e.getValue().asText());
            }
            out.put(alias.getKey(), Map.copyOf(fields));
        }
        return out;
    }

    private static List<String> strings(JsonNode node, String path, boolean unique) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isTextual()) {
            items.add(node);
        } else if (node.isArray()) {
            node.forEach(items::add);
        }
        if (items.isEmpty()) {
            throw new SigmaException(path, "must be a non-empty list of names");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new SigmaException(path + "[" + i + "]", "must be a name (text)");
            }
            if (!out.add(item.asText()) && unique) {
                throw new SigmaException(path + "[" + i + "]", "'" + item.asText() + "' is listed twice");
            }
        }
        return List.copyOf(out);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
