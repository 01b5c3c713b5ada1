package dev.trailwatch.detector.rules.sigma;

import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RuleFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sigma as a {@link RuleFormat}: Sigma files in the rule folders compile together into watch-list rules. Every refusal
 * is logged with its reason (rules for other log sources in one summary line); none stops the others.
 * Registered in {@code META-INF/services/dev.trailwatch.detector.rules.RuleFormat}.
 */
public final class SigmaFormat implements RuleFormat {

    private static final Logger LOG = LoggerFactory.getLogger(SigmaFormat.class);

    @Override
    public boolean recognizes(String text) {
        return SigmaRules.isSigma(text);
    }

    @Override
    public List<Rule> compile(List<Input> inputs) {
        SigmaRules.Loaded loaded = SigmaRules.compile(
                inputs.stream().map(in -> new SigmaRules.Input(in.location(), in.text())).toList());
        Map<String, Integer> otherSources = new TreeMap<>();
        for (SigmaRefusal refusal : loaded.refusals()) {
            if (refusal.kind() == SigmaRefusal.Kind.OTHER_LOG_SOURCE) {
                otherSources.merge(refusal.reason().replaceFirst(":.*", ""), 1, Integer::sum);
                LOG.debug("Sigma rule not loaded: {}", refusal.message());
            } else {
                LOG.warn("Sigma rule not loaded: {}", refusal.message());
            }
        }
        if (!otherSources.isEmpty()) {
            LOG.info("Sigma rules for other log sources not loaded (TrailWatch reads AWS CloudTrail): {}", otherSources);
        }
        loaded.rules().forEach(rule -> rule.warnings().forEach(w -> LOG.warn("Sigma rule {}: {}", rule.source(), w)));
        LOG.info("loaded {} Sigma rules ({} refused)", loaded.rules().size(), loaded.refusals().size());
        return loaded.watchListRules();
    }
}
