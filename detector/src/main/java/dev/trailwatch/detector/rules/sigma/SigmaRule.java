package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.CompiledRule;
import dev.trailwatch.detector.rules.RequestMatcher;
import dev.trailwatch.detector.rules.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One Sigma rule for AWS CloudTrail, compiled: its metadata, its search identifiers and its condition. Immutable and
 * thread-safe. {@link #toRule()} makes it a watch-list {@link Rule} like the built-in ones, so it is indexed by event
 * name, suppressed and alerted on the same way.
 *
 * <p>The alert's {@code ruleId} is {@code sigma-} and the file name in kebab-case
 * ({@code aws_cloudtrail_disable_logging.yml} -> {@code sigma-aws-cloudtrail-disable-logging}): from an alert the
 * analyst finds the file in the rules directory (and the same file name in SigmaHQ's repository); the Sigma UUID is
 * in {@code evidence.sigma.id}.
 */
public final class SigmaRule {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String ruleId;
    private final String source;
    private final int document;
    private final SigmaMeta meta;
    private final Map<String, Search> searches;
    private final Cond condition;
    private final String conditionText;
    private final Optional<Set<String>> eventNames;
    private final List<FieldRef> evidenceFields;
    private final List<String> warnings;

    SigmaRule(String ruleId, String source, int document, SigmaMeta meta, Map<String, Search> searches,
              Cond condition, String conditionText, List<String> warnings) {
        this.ruleId = ruleId;
        this.source = source;
        this.document = document;
        this.meta = meta;
        this.searches = Map.copyOf(searches);
        this.condition = condition;
        this.conditionText = conditionText;
        this.eventNames = EventNames.required(condition);
        this.evidenceFields = meta.fields().stream().map(FieldRef::of).toList();
        this.warnings = List.copyOf(warnings);
    }

    /**
     * This rule with a Sigma global filter applied: it matches only when the filter's condition does not
     * ({@code (condition) and not (filter)}).
     */
    SigmaRule withFilter(String filterName, Map<String, Search> filterSearches, Cond filter, String filterCondition) {
        Map<String, Search> all = new LinkedHashMap<>(searches);
        filterSearches.forEach((name, search) -> all.put(filterName + ":" + name, search));
        return new SigmaRule(ruleId, source, document, meta, all, new Cond.And(List.of(condition, new Cond.Not(filter))),
                "(" + conditionText + ") and not " + filterName + ":(" + filterCondition + ")", warnings);
    }

    /** The alert's {@code ruleId}: {@code sigma-} and the file name (and the rule's name in a multi-rule file). */
    public String ruleId() {
        return ruleId;
    }

    public String source() {
        return source;
    }

    /** The 1-based YAML document of the file the rule is in (multi-document files hold several). */
    public int document() {
        return document;
    }

    public SigmaMeta meta() {
        return meta;
    }

    /** The compiled condition (for tests that derive events from the rule's logic). */
    Cond conditionTree() {
        return condition;
    }

    /** The condition as written. */
    public String condition() {
        return conditionText;
    }

    /** The event names the condition requires (as written), or empty when it can match any event name. */
    public Optional<Set<String>> eventNames() {
        return eventNames;
    }

    /** Things that load but look wrong: a field CloudTrail does not have, a repeated key. */
    public List<String> warnings() {
        return warnings;
    }

    public boolean matches(CloudTrailEvent event) {
        return condition.eval(EventView.of(event));
    }

    /** Whether the rule matches a record given as a JSON tree. */
    public boolean matches(JsonNode record) {
        return condition.eval(EventView.of(record));
    }

    /** The search identifiers that hold for the event, in the rule's order. */
    public List<String> matchedSearches(CloudTrailEvent event) {
        return matchedSearches(event.record());
    }

    /** The search identifiers that hold for a record given as a JSON tree (negated ones are not listed). */
    public List<String> matchedSearches(JsonNode record) {
        Set<String> out = new LinkedHashSet<>();
        condition.matched(EventView.of(record), out);
        return new ArrayList<>(out);
    }

    /**
     * Evidence for an alert: the values of the rule's {@code fields}, then {@code sigma}: the rule's id, title,
     * author, references, license, status, level, file and which search identifiers matched.
     */
    public Map<String, Object> evidence(CloudTrailEvent event) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FieldRef field : evidenceFields) {
            List<JsonNode> values = field.values(event.record()).stream().filter(v -> !v.isNull()).toList();
            if (!values.isEmpty()) {
                out.put(field.name(), values.size() == 1 ? JSON.convertValue(values.get(0), Object.class)
                        : values.stream().map(v -> JSON.convertValue(v, Object.class)).toList());
            }
        }
        Map<String, Object> sigma = new LinkedHashMap<>();
        putIfText(sigma, "id", meta.id());
        sigma.put("title", meta.title());
        putIfText(sigma, "author", meta.author());
        if (!meta.references().isEmpty()) {
            sigma.put("references", meta.references());
        }
        putIfText(sigma, "license", meta.license());
        putIfText(sigma, "status", meta.status());
        putIfText(sigma, "level", meta.level());
        sigma.put("file", source);
        sigma.put("matched", matchedSearches(event));
        out.put("sigma", sigma);
        return out;
    }

    /** The watch-list rule this Sigma rule runs as. */
    public Rule toRule() {
        RequestMatcher matcher = new RequestMatcher("sigma:" + ruleId, "Sigma condition: " + conditionText,
                this::matches, this::evidence);
        return Rule.compiled(new CompiledRule(ruleId, source, meta.title(), description(), meta.severity(),
                meta.mitre(), runbook(), meta.falsePositives().isEmpty() ? List.of("(none listed by the rule)")
                : meta.falsePositives(), matcher, eventNames));
    }

    private String description() {
        String text = meta.description().isBlank() ? meta.title() : meta.description().strip();
        return text + "\n\nSigma rule " + (meta.id().isEmpty() ? "" : meta.id() + " ") + "("
                + source + ")" + (meta.author().isEmpty() ? "" : " by " + meta.author()) + ".";
    }

    /** Sigma has no runbook: this one points at what the rule itself offers (its false positives and sources). */
    private String runbook() {
        StringBuilder out = new StringBuilder();
        out.append("1. Ask: the owner of the principal whether the call was expected");
        if (!meta.falsePositives().isEmpty()) {
            out.append("; the rule's known false positives: ").append(String.join("; ", meta.falsePositives()));
        }
        out.append(".\n2. Check: the request and response in the triggering record, and what else the principal did"
                + " around that time");
        if (!meta.references().isEmpty()) {
            out.append("; background: ").append(String.join(" ", meta.references()));
        }
        out.append(".\n3. Contain: if nobody expected it, revoke the principal's credentials and undo the change.");
        return out.toString();
    }

    private static void putIfText(Map<String, Object> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    @Override
    public String toString() {
        return "SigmaRule[" + ruleId + "]";
    }
}
