package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.rules.RuleSpec.CaseSpec;
import dev.trailwatch.detector.rules.RuleSpec.EscalationSpec;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import dev.trailwatch.detector.rules.pattern.FilterPatternException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one rule file (YAML, schema in {@code docs/rules.md}) into a {@link Rule}, or fails with a
 * {@link RuleLoadException} whose message starts with the file and names the key, line or pattern column at fault.
 * Parsing does not run the rule's inline tests; {@link #parseAndVerify} does.
 */
public final class RuleParser {

    private static final CloudTrailParser RECORDS = new CloudTrailParser();

    private RuleParser() {
    }

    /** Parses and then runs the rule's inline tests, failing on the first one the rule disagrees with. */
    public static Rule parseAndVerify(String source, String yaml) {
        Rule rule = parse(source, yaml);
        for (RuleCase test : rule.tests()) {
            test.check(rule).ifPresent(problem -> {
                throw new RuleLoadException(source + ": " + problem);
            });
        }
        return rule;
    }

    /** Parses one rule file. {@code source} names it in messages and must end in {@code <id>.yml}. */
    public static Rule parse(String source, String yaml) {
        RuleSpec spec = RuleYaml.read(source, yaml);
        RuleChecks checks = new RuleChecks(source, spec);
        checks.requireFields();
        Severity severity = checks.severity("severity", spec.severity());
        RuleInfo info = new RuleInfo(spec.id(), source, checks.template("title", spec.title()),
                checks.template("description", spec.description()), severity, spec.mitre(), spec.cis(),
                spec.runbook().strip(), spec.falsepositives());
        Condition condition = new Condition(pattern(source, "condition", spec.condition()),
                checks.matcher("matcher", spec.matcher()));
        List<Escalation> escalations = adjustments(source, checks, "escalations", spec.escalations(), severity, false);
        List<Escalation> lowerings = adjustments(source, checks, "lowerings", spec.lowerings(), severity,
                !escalations.isEmpty());
        return new Rule(info, condition, escalations, lowerings, checks.evidence(), cases(source, checks, spec));
    }

    /** Parses a filter pattern, naming the key and column on failure: {@code condition, column 23: ...}. */
    static FilterPattern pattern(String source, String key, String text) {
        try {
            return FilterPattern.parse(text.strip());
        } catch (FilterPatternException e) {
            throw new RuleLoadException(source + ": " + key + ", column " + e.column() + ": " + detail(e), e);
        }
    }

    private static String detail(FilterPatternException e) {
        String message = e.getMessage();
        String prefix = "column " + e.column() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /**
     * The {@code escalations:} (each above the base severity) or {@code lowerings:} (each below it, or at it when
     * {@code baseCanBeRaised}: then it undoes the escalations) of a rule: the two lists have one shape and differ
     * only in which way their severity must lie from the base.
     */
    private static List<Escalation> adjustments(String source, RuleChecks checks, String list,
                                                List<EscalationSpec> specs, Severity base, boolean baseCanBeRaised) {
        boolean raise = list.equals("escalations");
        List<Escalation> out = new ArrayList<>();
        List<EscalationSpec> items = specs == null ? List.of() : specs;
        for (int i = 0; i < items.size(); i++) {
            EscalationSpec esc = items.get(i);
            String key = list + "[" + i + "]";
            if (esc == null) {
                throw new RuleLoadException(source + ": " + key + " is empty");
            }
            if (esc.insideOrganization() != null && raise) {
                throw new RuleLoadException(source + ": " + key + ".insideOrganization: only a lowering can say"
                        + " the accounts a request names are the organization's own");
            }
            if (esc.when() == null && esc.matcher() == null && esc.insideOrganization() == null) {
                throw new RuleLoadException(source + ": " + key + " needs 'when' (a filter pattern), 'matcher' or both"
                        + (raise ? "" : ", or 'insideOrganization'"));
            }
            Severity severity = checks.severity(key + ".severity", esc.severity());
            int direction = severity.compareTo(base);
            if (raise && direction <= 0) {
                throw new RuleLoadException(source + ": " + key + ".severity " + severity
                        + " must be above the rule's severity " + base);
            }
            if (!raise && (direction > 0 || direction == 0 && !baseCanBeRaised)) {
                throw new RuleLoadException(source + ": " + key + ".severity " + severity
                        + " must be below the rule's severity " + base + " (or equal to it when an escalation can"
                        + " raise it)");
            }
            FilterPattern when = esc.when() == null ? null : pattern(source, key + ".when", esc.when());
            RequestMatcher matcher = checks.matcher(key + ".matcher", esc.matcher());
            Condition condition = when == null && matcher == null ? null : new Condition(when, matcher);
            out.add(new Escalation(condition, severity,
                    checks.accountReader(key + ".insideOrganization", esc.insideOrganization())));
        }
        return out;
    }

    private static List<RuleCase> cases(String source, RuleChecks checks, RuleSpec spec) {
        List<RuleCase> out = new ArrayList<>();
        for (int i = 0; i < spec.tests().size(); i++) {
            CaseSpec test = spec.tests().get(i);
            String key = "tests[" + i + "]";
            checks.requireCase(key, test);
            Optional<Severity> expected = Optional.ofNullable(test.expectSeverity())
                    .map(s -> checks.severity(key + ".expectSeverity", s));
            if (expected.isPresent() && !test.expect()) {
                throw new RuleLoadException(source + ": " + key + " ('" + test.name()
                        + "') has expectSeverity but expects no match");
            }
            ParseResult parsed = RECORDS.fromTree(test.event(), null);
            if (parsed instanceof ParseResult.Rejected rejected) {
                throw new RuleLoadException(source + ": " + key + " ('" + test.name()
                        + "'): event is not a CloudTrail record: " + rejected.detail());
            }
            out.add(new RuleCase(test.name(), test.expect(), expected, checks.knownAccounts(key, test),
                    ((ParseResult.Parsed) parsed).event()));
        }
        checks.requireBothOutcomes(out);
        return out;
    }
}
