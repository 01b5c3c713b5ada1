package dev.trailwatch.detector.rules.sigma;

import dev.trailwatch.detector.catalog.DocumentRejected;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RuleFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sigma as a {@link RuleFormat}: Sigma files in the rule folders compile together into watch-list rules. Every refusal
 * is logged with its reason (rules for other log sources in one summary line); none stops the others.
 * Registered in {@code META-INF/services/dev.trailwatch.detector.rules.RuleFormat}.
 */
public final class SigmaFormat implements RuleFormat {

    private static final Logger LOG = LoggerFactory.getLogger(SigmaFormat.class);
    private static final String KEY_PREFIX = "sigma-";
    private static final Pattern CORRELATION = Pattern.compile("(?m)^correlation[ \\t]*:");

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

    /**
     * Invalid or unsupported documents of this file; rules for other log sources, deprecated rules and rules that
     * only feed correlations are not problems (they load as they do at start: not at all, with a note). A global
     * filter's or a correlation's reference to a rule in another file is not judged alone.
     */
    @Override
    public List<String> problemsAlone(Input input) {
        SigmaRules.Loaded alone = SigmaRules.compile(List.of(new SigmaRules.Input(input.location(), input.text())));
        return alone.refusals().stream()
                .filter(r -> r.kind() == SigmaRefusal.Kind.INVALID || r.kind() == SigmaRefusal.Kind.UNSUPPORTED)
                .filter(r -> !r.path().startsWith("filter.rules[") && !r.path().startsWith("correlation.rules["))
                .map(SigmaRefusal::message).toList();
    }

    @Override
    public boolean needsRestart(Input input) {
        return CORRELATION.matcher(input.text()).find();
    }

    /**
     * One Sigma document (or multi-document file) of the rules topic. Its key is the id its alerts carry, as the same
     * file in {@code rules.dir} would give: {@code sigma-} and the file name in kebab-case, so that a topic record
     * with the id of a {@code rules.dir} Sigma rule replaces it. Refused with a reason: {@code key} (not
     * {@code sigma-...}), {@code correlation} (a correlation is a stateful processor wired at start: put it in
     * {@code rules.dir}), {@code sigma} (every other refusal: invalid, unsupported, another log source, a status that
     * does not run, no rule in it).
     */
    @Override
    public List<Rule> compileForTopic(String topic, String key, String text) {
        if (!key.startsWith(KEY_PREFIX) || key.length() == KEY_PREFIX.length()) {
            throw new DocumentRejected("key", "key '" + key + "': a Sigma rule's key is the id its alerts carry, '"
                    + KEY_PREFIX + "' and its file name in kebab-case (aws_cloudtrail_disable_logging.yml:"
                    + " sigma-aws-cloudtrail-disable-logging), as in rules.dir");
        }
        if (CORRELATION.matcher(text).find()) {
            throw new DocumentRejected("correlation", "key '" + key + "': a Sigma correlation runs as a stateful"
                    + " processor wired when the detector starts: put it in rules.dir (with the rules it refers to)"
                    + " and restart; the rules topic takes single-event Sigma rules");
        }
        String location = topic + "/" + key.substring(KEY_PREFIX.length()) + ".yml";
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input(location, text)));
        if (!loaded.refusals().isEmpty()) {
            throw new DocumentRejected("sigma", loaded.refusals().stream().map(SigmaRefusal::message)
                    .collect(Collectors.joining("; ")));
        }
        if (loaded.rules().isEmpty()) {
            throw new DocumentRejected("sigma", location + ": no Sigma rule in it (only global filters?): nothing"
                    + " to run");
        }
        loaded.rules().forEach(rule -> rule.warnings().forEach(w -> LOG.warn("Sigma rule {}: {}", rule.source(), w)));
        return loaded.watchListRules();
    }

    /** {@code sigma-} and the file name in kebab-case: the id the file's (first) rule gets in {@code rules.dir}. */
    @Override
    public String topicKey(String location) {
        return SigmaRules.ruleId(location, 1, 1, "");
    }
}
