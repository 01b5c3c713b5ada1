package dev.trailwatch.detector.rules;

import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch-list rules in force right now: the rule files (built-in and {@code rules.dir}) with the rules topic's
 * rules laid over them by id. A topic rule with the id of a file rule replaces it; removing it from the topic brings
 * the file rule back. When {@code rules.dir} is re-read ({@link #directoryRules}), its rules take the place of the
 * ones it had before; the built-in rules never change. The pack is recompiled (indexed by event name) once per change,
 * on the thread that brings it (the global stream thread, the file-reload thread); the detector's hot path only reads
 * the current pack (one volatile read per event).
 */
public final class LiveRules implements Supplier<RulePack> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRules.class);

    private final RulePack files;
    private RulePack base;
    private Map<String, Rule> topic = Map.of();
    private volatile RulePack current;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public LiveRules(RulePack files) {
        this.files = files;
        this.base = files;
        this.current = files;
    }

    @Override
    public RulePack get() {
        return current;
    }

    /**
     * Runs {@code listener} after each change of the rules in force, on the thread that brought it: e.g. to check
     * again the tuning documents that named a rule not in force yet.
     */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** The rule files as loaded at start, without the topic's rules. */
    public RulePack files() {
        return files;
    }

    /** Puts the topic's current rules (id to rule) in force over the files. */
    public synchronized void topicRules(Map<String, Rule> topicRules) {
        topic = Map.copyOf(topicRules);
        publish("the rules topic");
    }

    /**
     * Puts the topic's current documents (key to the rules each holds: one for a TrailWatch rule file, one or more
     * for a Sigma file) in force over the files. Two documents with a rule of the same id (a multi-rule Sigma file's
     * {@code sigma-x-y} and a record keyed {@code sigma-x-y}): the first key in sorted order wins, on every instance,
     * and the other is named in a WARN line.
     */
    public synchronized void topicDocuments(Map<String, List<Rule>> documents) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        Map<String, String> keyOf = new TreeMap<>();
        new TreeMap<>(documents).forEach((key, rules) -> rules.forEach(rule -> {
            String first = keyOf.putIfAbsent(rule.id(), key);
            if (first == null) {
                byId.put(rule.id(), rule);
            } else {
                LOG.warn("rules topic: rule '{}' of record '{}' is not in force: record '{}' has a rule of that id",
                        rule.id(), key, first);
            }
        }));
        topicRules(byId);
    }

    /**
     * Puts the rules now read from {@code dir} in force in place of the ones read from it before (the rules whose
     * source is a file under {@code dir}).
     *
     * @return the problem when the change is refused (two rules with one id: a file's copy of a built-in rule, or one
     *         id in two files); the rules in force stay as they were
     */
    public synchronized Optional<String> directoryRules(String dir, Collection<Rule> rules) {
        List<Rule> next = new ArrayList<>(base.rules().stream().filter(rule -> !under(rule.source(), dir)).toList());
        next.addAll(rules);
        try {
            base = RulePack.of(next);
        } catch (RuleLoadException e) {
            return Optional.of(e.getMessage());
        }
        publish(dir);
        return Optional.empty();
    }

    private void publish(String cause) {
        RulePack next = base.withOverrides(topic.values());
        Set<String> replaced = new TreeSet<>(topic.keySet());
        replaced.retainAll(base.rules().stream().map(Rule::id).toList());
        current = next;
        LOG.info("watch-list rules in force after a change of {}: {} ({} from the rules topic{})", cause,
                next.rules().size(), topic.size(), replaced.isEmpty() ? "" : ", replacing the rule files' " + replaced);
        listeners.forEach(Runnable::run);
    }

    /** Whether a rule's source (a file path, as the loaders name it) is {@code dir} or a file under it. */
    static boolean under(String source, String dir) {
        String root = dir.endsWith(File.separator) ? dir.substring(0, dir.length() - 1) : dir;
        return source.equals(root) || source.startsWith(root + File.separator);
    }
}
