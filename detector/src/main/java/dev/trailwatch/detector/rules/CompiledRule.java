package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.Severity;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A watch-list rule written in another rule language and compiled to Java (a Sigma rule, see
 * {@code dev.trailwatch.detector.rules.sigma}): what {@link Rule#compiled} needs to run it like a rule file.
 *
 * @param id             the alert's {@code ruleId}
 * @param source         the file it came from
 * @param title          the alert title's text, shown as written; the event name and principal are appended
 * @param description    the alert description's text, shown as written; who did what where is appended
 * @param mitre          ATT&CK technique ids (may be empty: not every rule language requires them)
 * @param matcher        the compiled condition; its evidence goes into every alert
 * @param eventNames     the event names the condition requires (compared case-insensitively), or empty when any
 */
public record CompiledRule(String id, String source, String title, String description, Severity severity,
                           List<String> mitre, String runbook, List<String> falsePositives, RequestMatcher matcher,
                           Optional<Set<String>> eventNames) {

    public CompiledRule {
        mitre = List.copyOf(mitre);
        falsePositives = List.copyOf(falsePositives);
        eventNames = eventNames.map(Set::copyOf);
    }
}
