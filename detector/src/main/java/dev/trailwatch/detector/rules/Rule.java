package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One watch-list rule, loaded from {@code rules/<id>.yml}: a CloudWatch filter pattern (plus, optionally, a named Java
 * matcher) over a single CloudTrail record, with the text, severity, ATT&CK ids and runbook of the alert it raises.
 * Immutable and thread-safe; built by {@link RuleParser}.
 */
public final class Rule {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RuleInfo info;
    private final Condition condition;
    private final List<Escalation> escalations;
    private final List<Escalation> lowerings;
    private final List<FieldPath> evidence;
    private final List<RuleCase> tests;
    private final Optional<Set<String>> eventNames;

    Rule(RuleInfo info, Condition condition, List<Escalation> escalations, List<Escalation> lowerings,
         List<FieldPath> evidence, List<RuleCase> tests) {
        this(info, condition, escalations, lowerings, evidence, tests,
                condition.pattern().requiredValues("$.eventName"));
    }

    private Rule(RuleInfo info, Condition condition, List<Escalation> escalations, List<Escalation> lowerings,
                 List<FieldPath> evidence, List<RuleCase> tests, Optional<Set<String>> eventNames) {
        this.info = info;
        this.condition = condition;
        this.escalations = List.copyOf(escalations);
        this.lowerings = List.copyOf(lowerings);
        this.evidence = List.copyOf(evidence);
        this.tests = List.copyOf(tests);
        this.eventNames = eventNames;
    }

    /**
     * A rule compiled from another rule language (Sigma): no filter pattern, the compiled matcher decides and reports
     * its evidence; the title and description are shown as written with who did what appended.
     */
    public static Rule compiled(CompiledRule spec) {
        RuleInfo info = new RuleInfo(spec.id(), spec.source(),
                Template.literalThen(spec.title(), ": {eventName} by {principal}"),
                Template.literalThen(spec.description(), "\n\n{principal} called {eventName} ({eventSource}) in"
                        + " account {accountId}, {region}, from {sourceIp}."),
                spec.severity(), spec.mitre(), null, spec.runbook(), spec.falsePositives());
        return new Rule(info, new Condition(null, spec.matcher()), List.of(), List.of(), List.of(), List.of(),
                spec.eventNames());
    }

    public String id() {
        return info.id();
    }

    /** The title template as written ({@code {principal}} placeholders and all). */
    public String title() {
        return info.title().text();
    }

    public String description() {
        return info.description().text();
    }

    public Severity severity() {
        return info.severity();
    }

    public List<String> mitre() {
        return info.mitre();
    }

    public Optional<String> cis() {
        return Optional.ofNullable(info.cis());
    }

    public String runbook() {
        return info.runbook();
    }

    public List<String> falsePositives() {
        return info.falsePositives();
    }

    /** The filter pattern text (for a compiled rule: its matcher's summary, e.g. the Sigma condition). */
    public String condition() {
        return condition.pattern() != null ? condition.pattern().text() : condition.matcher().summary();
    }

    public Optional<String> matcher() {
        return condition.matcherName();
    }

    public List<Escalation> escalations() {
        return escalations;
    }

    /** The {@code lowerings:}: each lowers the alert below the base severity, whatever escalation also holds. */
    public List<Escalation> lowerings() {
        return lowerings;
    }

    /** The selectors copied into every alert's evidence. */
    public List<String> evidenceSelectors() {
        return evidence.stream().map(FieldPath::text).toList();
    }

    public List<RuleCase> tests() {
        return tests;
    }

    /** Where the rule came from: {@code rules/<id>.yml} on the classpath, or a file of the user's rules directory. */
    public String source() {
        return info.source();
    }

    /** The event names the condition pins down, or empty when it can match any event name. */
    public Optional<Set<String>> eventNames() {
        return eventNames;
    }

    /** The rule's condition as compiled (package tests compare it with its pattern on the whole record). */
    Condition compiledCondition() {
        return condition;
    }

    public boolean matches(CloudTrailEvent event) {
        return condition.matches(event);
    }

    /**
     * The base severity, raised to the highest escalation that applies; when a lowering applies, the lowest lowering
     * that applies instead (a lowering names who cannot be an attacker, so what they did says nothing of intent).
     */
    public Severity severityFor(CloudTrailEvent event) {
        return severityFor(event, Organization.NONE);
    }

    /**
     * The severity with {@code organization}'s declared accounts: an {@code insideOrganization} lowering holds when
     * every account the request names is declared (or the event's own).
     */
    public Severity severityFor(CloudTrailEvent event, Organization organization) {
        Severity lowered = null;
        for (Escalation lowering : lowerings) {
            if ((lowered == null || lowering.severity().compareTo(lowered) < 0)
                    && lowering.appliesTo(event, organization)) {
                lowered = lowering.severity();
            }
        }
        if (lowered != null) {
            return lowered;
        }
        Severity severity = info.severity();
        for (Escalation escalation : escalations) {
            if (escalation.severity().compareTo(severity) > 0 && escalation.appliesTo(event)) {
                severity = escalation.severity();
            }
        }
        return severity;
    }

    public String renderTitle(CloudTrailEvent event) {
        return info.title().render(event);
    }

    public String renderDescription(CloudTrailEvent event) {
        return info.description().render(event);
    }

    /**
     * The rule's {@code evidence:} selectors that are present in the record (key = selector without {@code $.}),
     * then what the rule's matcher and any applying escalation's matcher report, then {@code escalatedBy} (the
     * escalations that hold) and {@code loweredBy} (the lowerings that hold: they win over the escalations).
     * Insertion-ordered, no null values, plain Java values (strings, numbers, booleans, lists, maps).
     */
    public Map<String, Object> evidence(CloudTrailEvent event) {
        return evidence(event, Organization.NONE);
    }

    /**
     * The evidence with {@code organization}'s declared accounts: a rule with an {@code insideOrganization} lowering
     * also reports {@code outsideOrganization}, the accounts its request names that are not declared members.
     */
    public Map<String, Object> evidence(CloudTrailEvent event, Organization organization) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FieldPath path : evidence) {
            JsonNode value = path.resolve(event.record());
            if (!value.isMissingNode() && !value.isNull()) {
                out.put(path.key(), JSON.convertValue(value, Object.class));
            }
        }
        if (condition.matcher() != null && condition.matcher().matches(event)) {
            out.putAll(condition.matcher().evidence(event));
        }
        List<String> escalatedBy = new ArrayList<>();
        for (Escalation escalation : escalations) {
            if (escalation.appliesTo(event)) {
                RequestMatcher matcher = escalation.condition() == null ? null : escalation.condition().matcher();
                if (matcher != null) {
                    out.putAll(matcher.evidence(event));
                }
                escalatedBy.add(escalation.severity() + ": " + escalation.describe());
            }
        }
        if (!escalatedBy.isEmpty()) {
            out.put("escalatedBy", escalatedBy);
        }
        List<String> loweredBy = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        for (Escalation lowering : lowerings) {
            if (lowering.appliesTo(event, organization)) {
                loweredBy.add(lowering.severity() + ": " + lowering.describe());
            } else if (lowering.insideOrganization() != null) {
                lowering.insideOrganization().outsideOrganization(event, organization).stream()
                        .filter(account -> !outside.contains(account)).forEach(outside::add);
            }
        }
        if (!outside.isEmpty()) {
            out.put("outsideOrganization", outside);
        }
        if (!loweredBy.isEmpty()) {
            out.put("loweredBy", loweredBy);
        }
        out.values().removeIf(v -> v == null);
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return "Rule[" + info.id() + "]";
    }
}
