package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.Severity;
import java.util.List;

/** The descriptive half of a rule: what its alerts say and where it came from. */
record RuleInfo(String id, String source, Template title, Template description, Severity severity,
                List<String> mitre, String cis, String runbook, List<String> falsePositives) {

    RuleInfo {
        mitre = List.copyOf(mitre);
        falsePositives = List.copyOf(falsePositives);
    }
}
