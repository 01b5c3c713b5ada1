package dev.trailwatch.detector.rules;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch-list rules in force right now: the rule files (built-in and {@code rules.dir}, fixed at start) with the
 * rules topic's rules laid over them by id. A topic rule with the id of a file rule replaces it; removing it from the
 * topic brings the file rule back. The pack is recompiled (indexed by event name) once per change of the topic, on the
 * global stream thread; the detector's hot path only reads the current pack (one volatile read per event).
 */
public final class LiveRules implements Supplier<RulePack> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRules.class);

    private final RulePack files;
    private volatile RulePack current;

    public LiveRules(RulePack files) {
        this.files = files;
        this.current = files;
    }

    @Override
    public RulePack get() {
        return current;
    }

    /** The rule files alone, without the topic's rules. */
    public RulePack files() {
        return files;
    }

    /** Puts the topic's current rules (id to rule) in force over the files. */
    public void topicRules(Map<String, Rule> topic) {
        RulePack next = files.withOverrides(topic.values());
        Set<String> replaced = new TreeSet<>(topic.keySet());
        replaced.retainAll(files.rules().stream().map(Rule::id).toList());
        current = next;
        LOG.info("watch-list rules in force: {} ({} from the rules topic{})", next.rules().size(), topic.size(),
                replaced.isEmpty() ? "" : ", replacing the rule files' " + replaced);
    }
}
