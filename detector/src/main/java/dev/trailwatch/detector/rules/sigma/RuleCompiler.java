package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles one Sigma rule document ({@code logsource:} + {@code detection:}) into a {@link SigmaRule}, or throws a
 * {@link SigmaException} naming the key path and what is wrong or unsupported.
 */
final class RuleCompiler {

    /** CloudTrail's top-level record fields: a Sigma field outside them can never match a CloudTrail record. */
    static final Set<String> CLOUDTRAIL_FIELDS = Set.of("eventVersion", "userIdentity", "eventTime", "eventSource",
            "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
            "responseElements", "additionalEventData", "requestID", "eventID", "eventType", "apiVersion",
            "managementEvent", "readOnly", "resources", "recipientAccountId", "serviceEventDetails", "sharedEventID",
            "vpcEndpointId", "vpcEndpointAccountId", "eventCategory", "addendum", "sessionCredentialFromConsole",
            "edgeDeviceDetails", "tlsDetails", "insightDetails");
    static final Set<String> STATUSES = Set.of("stable", "test", "experimental", "deprecated", "unsupported");
    private static final Map<String, Severity> LEVELS = Map.of("informational", Severity.INFO, "low", Severity.LOW,
            "medium", Severity.MEDIUM, "high", Severity.HIGH, "critical", Severity.CRITICAL);
    private static final Pattern TECHNIQUE = Pattern.compile("attack\\.(t\\d{4}(?:\\.\\d{3})?)");

    private RuleCompiler() {
    }

    static SigmaRule compile(String ruleId, String source, SigmaYaml.Document doc) {
        JsonNode root = doc.root();
        List<String> warnings = new ArrayList<>(doc.warnings());
        SigmaMeta meta = meta(root, warnings);
        checkLogSource(root);
        checkStatus(meta);
        String taxonomy = text(root, "taxonomy");
        if (!taxonomy.isEmpty() && !taxonomy.equals("sigma")) {
            throw SigmaException.unsupported("taxonomy", "taxonomy '" + taxonomy + "': TrailWatch reads CloudTrail's"
                    + " own field names (the default 'sigma' taxonomy, as SigmaHQ writes its CloudTrail rules)");
        }
        JsonNode detection = root.path("detection");
        if (!detection.isObject()) {
            throw new SigmaException("detection", "'detection' must be a map of search identifiers and a condition");
        }
        if (detection.has("timeframe")) {
            throw SigmaException.unsupported("detection.timeframe", "'timeframe' belongs to the legacy aggregations;"
                    + " write a correlation rule (timespan) instead");
        }
        Map<String, Search> searches = new LinkedHashMap<>();
        detection.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("condition")) {
                searches.put(e.getKey(), SelectionCompiler.search(e.getValue(), "detection." + e.getKey()));
            }
        });
        if (searches.isEmpty()) {
            throw new SigmaException("detection", "the detection defines no search identifier");
        }
        String conditionText = conditionText(detection.path("condition"));
        Cond condition = condition(detection.path("condition"), searches);
        warnings.addAll(fieldWarnings(searches));
        return new SigmaRule(ruleId, source, doc.index(), meta, searches, condition, conditionText, warnings);
    }

    /** The metadata of a rule (or of a correlation: the same keys). */
    static SigmaMeta meta(JsonNode root, List<String> warnings) {
        if (!root.isObject()) {
            throw new SigmaException("", "a Sigma document must be a map");
        }
        String title = text(root, "title");
        if (title.isBlank()) {
            throw new SigmaException("title", "'title' is required");
        }
        String level = text(root, "level").toLowerCase(Locale.ROOT);
        Severity severity = level.isEmpty() ? Severity.MEDIUM : LEVELS.get(level);
        if (severity == null) {
            throw new SigmaException("level", "level '" + level + "' is not one of informational, low, medium, high,"
                    + " critical");
        }
        String status = text(root, "status").toLowerCase(Locale.ROOT);
        if (!status.isEmpty() && !STATUSES.contains(status)) {
            warnings.add("status: '" + status + "' is not a Sigma status (" + String.join(", ", STATUSES) + ")");
        }
        List<String> tags = list(root, "tags");
        List<String> mitre = new ArrayList<>();
        for (String tag : tags) {
            Matcher m = TECHNIQUE.matcher(tag.toLowerCase(Locale.ROOT));
            if (m.matches() && !mitre.contains(m.group(1).toUpperCase(Locale.ROOT))) {
                mitre.add(m.group(1).toUpperCase(Locale.ROOT));
            }
        }
        return new SigmaMeta(text(root, "id"), text(root, "name"), title.strip(), text(root, "description"), status,
                level, severity, text(root, "author"), list(root, "references"), text(root, "license"),
                text(root, "date"), text(root, "modified"), tags, mitre, list(root, "falsepositives"),
                list(root, "fields"));
    }

    private static void checkLogSource(JsonNode root) {
        JsonNode logsource = root.path("logsource");
        if (!logsource.isObject()) {
            throw new SigmaException("logsource", "'logsource' is required (product: aws, service: cloudtrail)");
        }
        String product = logsource.path("product").asText("");
        String service = logsource.path("service").asText("");
        if (!product.equalsIgnoreCase("aws") || !service.equalsIgnoreCase("cloudtrail")) {
            throw new SigmaException(SigmaRefusal.Kind.OTHER_LOG_SOURCE, "logsource", "logsource is "
                    + describe(logsource) + ": TrailWatch reads AWS CloudTrail only (product: aws, service: cloudtrail)",
                    null);
        }
    }

    private static String describe(JsonNode logsource) {
        List<String> parts = new ArrayList<>();
        logsource.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("definition")) {
                parts.add(e.getKey() + ": " + e.getValue().asText());
            }
        });
        return parts.isEmpty() ? "empty" : "'" + String.join(", ", parts) + "'";
    }

    static void checkStatus(SigmaMeta meta) {
        if (meta.status().equals("deprecated") || meta.status().equals("unsupported")) {
            throw new SigmaException(SigmaRefusal.Kind.STATUS, "status", "status '" + meta.status() + "': "
                    + (meta.status().equals("deprecated") ? "the rule is replaced by another (see its 'related' key);"
                    + " load that one instead" : "the rule's authors say it cannot be used as it is"), null);
        }
    }

    private static String conditionText(JsonNode condition) {
        if (condition.isArray()) {
            List<String> parts = new ArrayList<>();
            condition.forEach(c -> parts.add("(" + c.asText() + ")"));
            return String.join(" or ", parts);
        }
        return condition.asText();
    }

    /** {@code condition:} is a string, or a list of strings that are OR-ed. */
    private static Cond condition(JsonNode condition, Map<String, Search> searches) {
        if (condition.isTextual()) {
            return ConditionParser.parse(condition.asText(), "detection.condition", searches);
        }
        if (condition.isArray() && !condition.isEmpty()) {
            List<Cond> parts = new ArrayList<>();
            for (int i = 0; i < condition.size(); i++) {
                if (!condition.get(i).isTextual()) {
                    throw new SigmaException("detection.condition[" + i + "]", "a condition must be text");
                }
                parts.add(ConditionParser.parse(condition.get(i).asText(), "detection.condition[" + i + "]", searches));
            }
            return parts.size() == 1 ? parts.get(0) : new Cond.Or(parts);
        }
        throw new SigmaException("detection.condition", "'condition' is required: text, or a list of texts");
    }

    private static List<String> fieldWarnings(Map<String, Search> searches) {
        List<String> out = new ArrayList<>();
        searches.values().forEach(search -> search.forEachTest(test -> {
            String first = test.field().steps().isEmpty() ? null : test.field().steps().get(0);
            if (first != null && !CLOUDTRAIL_FIELDS.contains(first)) {
                out.add(test.path() + ": '" + first + "' is not a field of CloudTrail records, so this test is never"
                        + " true (a negated one always is)");
            }
        }));
        return out;
    }

    static String text(JsonNode root, String key) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (node.isContainerNode()) {
            throw new SigmaException(key, "'" + key + "' must be text");
        }
        return node.asText();
    }

    static List<String> list(JsonNode root, String key) {
        JsonNode node = root.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isValueNode()) {
            return List.of(node.asText());
        }
        if (node.isObject()) {
            throw new SigmaException(key, "'" + key + "' must be a list of texts");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (node.get(i).isContainerNode()) {
                throw new SigmaException(key + "[" + i + "]", "'" + key + "' must be a list of texts");
            }
            out.add(node.get(i).asText());
        }
        return out;
    }
}
