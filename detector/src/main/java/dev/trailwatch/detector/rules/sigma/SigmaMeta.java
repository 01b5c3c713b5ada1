package dev.trailwatch.detector.rules.sigma;

import dev.trailwatch.detector.model.Severity;
import java.util.List;

/**
 * What a Sigma rule says about itself, kept for the alert: the Detection Rule License (DRL 1.1) under which SigmaHQ
 * publishes its rules asks that every view showing a match names the rule's author and links to the rule, so
 * {@code author}, {@code references}, {@code id} and {@code license} travel in each alert's evidence.
 *
 * @param id             the Sigma {@code id} (a UUID), or empty
 * @param name           the Sigma {@code name} (how correlations may refer to the rule), or empty
 * @param title          the {@code title}
 * @param description    the {@code description}, or empty
 * @param status         {@code stable}, {@code test}, {@code experimental}, or empty
 * @param level          the {@code level} as written, or empty (then {@code severity} is MEDIUM)
 * @param severity       {@code informational} -> INFO, {@code low}, {@code medium}, {@code high}, {@code critical}
 * @param author         the {@code author}, or empty
 * @param references     the {@code references}
 * @param license        the {@code license} (an SPDX id), or empty
 * @param date           the {@code date}, or empty
 * @param modified       the {@code modified} date, or empty
 * @param tags           every tag as written
 * @param mitre          the ATT&CK technique ids of the {@code attack.tNNNN[.NNN]} tags, upper-cased
 * @param falsePositives the {@code falsepositives}
 * @param fields         the {@code fields} worth showing an analyst (copied into the evidence when present)
 */
public record SigmaMeta(String id, String name, String title, String description, String status, String level,
                        Severity severity, String author, List<String> references, String license, String date,
                        String modified, List<String> tags, List<String> mitre, List<String> falsePositives,
                        List<String> fields) {

    public SigmaMeta {
        references = List.copyOf(references);
        tags = List.copyOf(tags);
        mitre = List.copyOf(mitre);
        falsePositives = List.copyOf(falsePositives);
        fields = List.copyOf(fields);
    }
}
