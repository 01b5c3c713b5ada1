package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One rule file exactly as written, before any checking: the YAML schema of {@code docs/rules.md}. Unknown keys are
 * an error (Jackson's default), so a misspelt {@code escalation:} cannot silently do nothing.
 */
record RuleSpec(String id, String title, String description, String severity, List<String> mitre, String cis,
                String runbook, List<String> falsepositives, String condition, String matcher,
                List<EscalationSpec> escalations, List<EscalationSpec> lowerings, List<String> evidence,
                List<CaseSpec> tests) {

    /**
     * {@code escalations:} item: raise the severity when {@code when} (a filter pattern) and/or a matcher hold; the
     * same shape is a {@code lowerings:} item, which lowers it; a lowering may name an account reader in
     * {@code insideOrganization} instead of (or with) {@code when} / {@code matcher}.
     */
    record EscalationSpec(String when, String matcher, String insideOrganization, String severity) {
    }

    /**
     * {@code tests:} item: one CloudTrail record and whether the rule must match it; {@code knownAccounts}: the
     * accounts the operator declared for this case (as {@code accounts.known}), none when left out.
     */
    record CaseSpec(String name, Boolean expect, String expectSeverity, List<String> knownAccounts, JsonNode event) {
    }
}
