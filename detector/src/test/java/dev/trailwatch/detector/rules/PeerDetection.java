package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.util.Set;

/**
 * What a peer project's rule is taken to mean in TrailWatch terms, for the conformance tests: "one of these rules
 * matches at this severity or above" (no rule ids: any rule).
 */
record PeerDetection(Set<String> ruleIds, Severity atLeast) {

    static PeerDetection rule(String... ids) {
        return new PeerDetection(Set.of(ids), Severity.INFO);
    }

    static PeerDetection rule(Severity atLeast, String... ids) {
        return new PeerDetection(Set.of(ids), atLeast);
    }

    static PeerDetection anyRule(Severity atLeast) {
        return new PeerDetection(Set.of(), atLeast);
    }

    boolean flags(RulePack pack, CloudTrailEvent event) {
        return pack.matching(event).stream().anyMatch(rule -> (ruleIds.isEmpty() || ruleIds.contains(rule.id()))
                && rule.severityFor(event).atLeast(atLeast));
    }
}
