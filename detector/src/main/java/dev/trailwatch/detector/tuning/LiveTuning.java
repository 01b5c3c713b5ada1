package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.catalog.DocumentRejected;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tuning in force right now: the files of {@code tuning.dir} (fixed at start) with the exceptions topic's
 * documents added. Each document is checked alone when it arrives ({@link #validate}); the whole set is combined once
 * per change of the topic, on the global stream thread, and the tuning step reads the current set once per alert.
 *
 * <p>A topic document may hold exceptions and severity or disabling overrides, not threshold or window overrides:
 * those are read when the topology is built (docs/tuning.md). When the accepted documents cannot be combined (an id
 * used twice across documents or files) the change is refused with a WARN line and the previous set stays.
 */
public final class LiveTuning implements Supplier<TuningSet> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveTuning.class);

    private final TuningSet files;
    private final TrailWatchMetrics metrics;
    private volatile TuningSet current;

    public LiveTuning(TuningSet files, TrailWatchMetrics metrics) {
        this.files = files;
        this.metrics = metrics;
        this.current = files;
    }

    @Override
    public TuningSet get() {
        return current;
    }

    /**
     * Checks one record of the exceptions topic: a tuning document (YAML or JSON, the format of {@code tuning.dir}'s
     * files) whose entries name rules that exist.
     */
    public static TuningSet validate(String topic, String name, String text, Set<String> knownRules) {
        TuningSet set;
        try {
            set = TuningParser.parse(topic + "/" + name, text);
        } catch (TuningException e) {
            throw new DocumentRejected("invalid", problems(e.problems()));
        }
        if (!set.settings().isEmpty()) {
            throw new DocumentRejected("settings", topic + "/" + name + ": threshold and window overrides ("
                    + String.join(", ", set.settings().keySet()) + ") are read at start only: put them in a"
                    + " tuning.dir file and restart");
        }
        List<TuningProblem> unknown = set.unknownRules(knownRules);
        if (!unknown.isEmpty()) {
            throw new DocumentRejected("unknown-rule", problems(unknown));
        }
        return set;
    }

    /** Puts the topic's accepted documents (name to set) in force with the files, if they combine. */
    public void topicDocuments(Map<String, TuningSet> topic) {
        List<TuningSet> all = new ArrayList<>();
        all.add(files);
        all.addAll(topic.values());
        TuningSet next;
        try {
            next = TuningSet.combine(all);
        } catch (TuningException e) {
            LOG.warn("exceptions topic: change refused, the previous tuning stays in force: {}",
                    problems(e.problems()));
            return;
        }
        current = next;
        metrics.rulesDisabled(next.disabledRules().keySet());
        LOG.info("tuning in force: {} exceptions, {} overrides ({} documents from the exceptions topic)",
                next.exceptions().size(), next.overrides().size(), topic.size());
    }

    private static String problems(List<TuningProblem> problems) {
        return problems.stream().map(TuningProblem::toString).collect(Collectors.joining("; "));
    }
}
