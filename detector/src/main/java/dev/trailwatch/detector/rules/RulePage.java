package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** One rule's documentation page, in Markdown: everything an analyst or a rule author looks up. */
final class RulePage {

    private RulePage() {
    }

    static String render(Rule rule) {
        StringBuilder md = new StringBuilder(RuleDocs.MARKER).append('\n');
        md.append("# ").append(rule.id()).append("\n\n");
        md.append("> ").append(rule.title()).append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| Severity | ").append(severity(rule)).append(" |\n");
        md.append("| ATT&CK | ").append(rule.mitre().stream().map(RulePage::attackLink)
                .collect(Collectors.joining(", "))).append(" |\n");
        md.append("| CIS AWS Foundations | ").append(rule.cis().map(c -> "control " + c).orElse("-")).append(" |\n");
        md.append("| Rule file | [`").append(RuleDocs.RULE_FOLDER).append(rule.source()).append("`](../../")
                .append(RuleDocs.RULE_FOLDER).append(rule.source()).append(") |\n\n");
        md.append("## What it detects\n\n").append(rule.description()).append("\n\n");
        md.append("## Condition\n\nCloudWatch Logs filter pattern:\n\n```\n").append(layout(rule.condition()))
                .append("\n```\n\n");
        rule.matcher().ifPresent(name -> md.append("and the Java matcher ").append(matcher(name)).append(".\n\n"));
        md.append(escalations(rule));
        if (!rule.evidenceSelectors().isEmpty()) {
            md.append("## Evidence\n\nCopied into the alert when present:\n\n")
                    .append(RuleDocs.join(rule.evidenceSelectors().stream().map(s -> "`" + s + "`").toList(), "- "))
                    .append("\n\n");
        }
        md.append("## False positives\n\n").append(RuleDocs.join(rule.falsePositives(), "- ")).append("\n\n");
        md.append("## Runbook\n\n").append(rule.runbook()).append("\n\n");
        md.append("## Test cases\n\n| Case | Expected |\n|---|---|\n");
        rule.tests().forEach(test -> md.append("| ").append(cell(test.name())).append(" | ")
                .append(test.expect() ? "alert" + test.expectSeverity().map(s -> " (" + s + ")").orElse("")
                        : "no alert").append(declared(test)).append(" |\n"));
        return md.toString();
    }

    /** The accounts a case declares, when it declares any. */
    private static String declared(RuleCase test) {
        return test.knownAccounts().isEmpty() ? ""
                : ", with accounts.known " + String.join(",", new TreeSet<>(test.knownAccounts()));
    }

    /** The severities escalations can raise the rule to, for the index. */
    static String raisedTo(Rule rule) {
        return severities(rule.escalations());
    }

    /** The severities lowerings can bring the rule to, for the index. */
    static String loweredTo(Rule rule) {
        return severities(rule.lowerings());
    }

    /** The severities of {@code adjustments}, each once, in order. */
    private static String severities(List<Escalation> adjustments) {
        return adjustments.stream().map(Escalation::severity).distinct().map(Severity::name)
                .collect(Collectors.joining(", "));
    }

    private static String severity(Rule rule) {
        String raised = raisedTo(rule);
        String lowered = loweredTo(rule);
        List<String> changes = new ArrayList<>();
        if (!raised.isEmpty()) {
            changes.add("raised to " + raised);
        }
        if (!lowered.isEmpty()) {
            changes.add("lowered to " + lowered);
        }
        return rule.severity() + (changes.isEmpty() ? "" : " (" + String.join(", ", changes) + ", see Severity below)");
    }

    private static String escalations(Rule rule) {
        if (rule.escalations().isEmpty() && rule.lowerings().isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Severity\n\n").append(rule.severity());
        if (!rule.escalations().isEmpty()) {
            md.append(", raised to the highest that applies:\n\n");
            rule.escalations().forEach(escalation -> md.append(item(escalation)));
        }
        if (!rule.lowerings().isEmpty()) {
            md.append(rule.escalations().isEmpty() ? ", lowered" : "\nWhatever is raised, lowered")
                    .append(" to the lowest that applies:\n\n");
            rule.lowerings().forEach(lowering -> md.append(item(lowering)));
        }
        return md.append('\n').toString();
    }

    private static String item(Escalation escalation) {
        Condition when = escalation.condition();
        StringBuilder md = new StringBuilder("- **").append(escalation.severity()).append("** when ");
        if (when != null && when.pattern() != null) {
            md.append("`").append(when.pattern().text()).append("`");
        }
        if (when != null && when.matcher() != null) {
            md.append(when.pattern() != null ? " and " : "").append("the matcher ")
                    .append(matcher(when.matcher().name()));
        }
        AccountReader reader = escalation.insideOrganization();
        if (reader != null) {
            md.append(when != null ? " and " : "").append("every account of `").append(reader.name()).append("` (")
                    .append(reader.summary()).append(") is the account itself or one the operator declared")
                    .append(" (`accounts.known`, or an entry of the accounts topic without `learnedAt`), at least")
                    .append(" one of them another account");
        }
        return md.append('\n').toString();
    }

    private static String matcher(String name) {
        return RequestMatchers.named(name).map(m -> "`" + name + "` (" + m.summary() + ")").orElse("`" + name + "`");
    }

    private static String attackLink(String id) {
        return "[" + id + "](https://attack.mitre.org/techniques/" + id.replace('.', '/') + "/)";
    }

    static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** The pattern broken for reading: after each top-level {@code &&}, and where a line of alternatives gets long. */
    static String layout(String condition) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        int lineStart = 0;
        boolean quoted = false;
        for (int i = 0; i < condition.length(); i++) {
            char c = condition.charAt(i);
            quoted ^= c == '"' && (i == 0 || condition.charAt(i - 1) != '\\');
            depth += quoted ? 0 : c == '(' ? 1 : c == ')' ? -1 : 0;
            out.append(c);
            boolean operator = !quoted && i > 0 && (condition.startsWith("&&", i - 1)
                    || condition.startsWith("||", i - 1));
            boolean longLine = out.length() - lineStart > 90;
            if (operator && (depth == 0 || longLine) && i + 1 < condition.length()
                    && condition.charAt(i + 1) == ' ') {
                out.append('\n').append(depth == 0 ? "  " : "    ");
                lineStart = out.length();
                i++;
            }
        }
        return out.toString();
    }
}
