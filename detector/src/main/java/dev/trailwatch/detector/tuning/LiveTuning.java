package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.catalog.DocumentRejected;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tuning in force right now: the files of {@code tuning.dir} with the exceptions topic's documents added. Each
 * document is checked alone when it arrives ({@link #validate}, the files' checks in {@code TuningDirectory}); the whole
 * set is combined once per change, on the thread that brings it (the global stream thread for the topic, the
 * file-reload thread for {@code tuning.dir}), and the tuning step reads the current set once per alert.
 *
 * <p>Threshold and window overrides ({@code settings:}) are read when the topology is built: the values of the files
 * at start stay in force while the detector runs. A topic document may not hold them; a file that changes them is
 * taken (its exceptions and other overrides apply at once) with a WARN line saying that the new values wait for a
 * restart. When the documents cannot be combined (an id used twice across documents or files) the change is refused
 * with a WARN line and the previous set stays.
 */
public final class LiveTuning implements Supplier<TuningSet> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveTuning.class);

    private final TuningSet atStart;
    private final TrailWatchMetrics metrics;
    private Map<String, TuningSet> files;
    private Map<String, TuningSet> topic = Map.of();
    private Map<String, String> settingsWarned;
    private volatile TuningSet current;

    /** @param files the tuning files as loaded at start: their thresholds and windows are the ones in force */
    public LiveTuning(TuningSet files, TrailWatchMetrics metrics) {
        this.atStart = files;
        this.metrics = metrics;
        this.files = Map.of("tuning.dir", files);
        this.settingsWarned = files.settings();
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
        TuningSet set = parsed(topic + "/" + name, text);
        if (!set.settings().isEmpty()) {
            throw new DocumentRejected("settings", topic + "/" + name + ": threshold and window overrides ("
                    + String.join(", ", set.settings().keySet()) + ") are read at start only: put them in a"
                    + " tuning.dir file and restart");
        }
        return withKnownRules(set, knownRules);
    }

    /**
     * Checks one file of {@code tuning.dir} when it changes: the checks of the files at start ({@link TuningParser}),
     * the rule ids it names against {@code knownRules}. Threshold and window overrides are taken (they apply after a
     * restart; {@link #fileDocuments} says so).
     */
    public static TuningSet validateFile(String path, String text, Set<String> knownRules) {
        return withKnownRules(parsed(path, text), knownRules);
    }

    private static TuningSet parsed(String label, String text) {
        try {
            return TuningParser.parse(label, text);
        } catch (TuningException e) {
            throw new DocumentRejected("invalid", problems(e.problems()));
        }
    }

    /** The set, when every rule id it names is in force; else rejected as {@code unknown-rule}, which may wait. */
    private static TuningSet withKnownRules(TuningSet set, Set<String> knownRules) {
        List<TuningProblem> unknown = set.unknownRules(knownRules);
        if (!unknown.isEmpty()) {
            throw new DocumentRejected("unknown-rule", problems(unknown));
        }
        return set;
    }

    /** Puts the topic's accepted documents (name to set) in force with the files, if they combine. */
    public synchronized void topicDocuments(Map<String, TuningSet> documents) {
        if (combine(files, documents, "exceptions topic")) {
            topic = Map.copyOf(documents);
        }
    }

    /**
     * Puts the files now read from {@code tuning.dir} (path to set) in force in place of the ones read before, if
     * they combine with the topic's documents.
     *
     * @return false when the change is refused (an id used twice): what was in force stays
     */
    public synchronized boolean fileDocuments(Map<String, TuningSet> documents) {
        if (!combine(documents, topic, "tuning.dir")) {
            return false;
        }
        files = Map.copyOf(documents);
        warnOnSettings(documents.values());
        return true;
    }

    private boolean combine(Map<String, TuningSet> fromFiles, Map<String, TuningSet> fromTopic, String changed) {
        List<TuningSet> all = new ArrayList<>(fromFiles.values());
        all.addAll(fromTopic.values());
        TuningSet next;
        try {
            next = TuningSet.combine(all);
        } catch (TuningException e) {
            LOG.warn("{}: change refused, the previous tuning stays in force: {}", changed, problems(e.problems()));
            return false;
        }
        current = next;
        metrics.rulesDisabled(next.disabledRules().keySet());
        LOG.info("tuning in force after a change of {}: {} exceptions, {} overrides ({} tuning files, {} documents"
                + " from the exceptions topic)", changed, next.exceptions().size(), next.overrides().size(),
                fromFiles.size(), fromTopic.size());
        return true;
    }

    /** Thresholds and windows are read at start: says so, once per new combination, when the files change them. */
    private void warnOnSettings(Collection<TuningSet> documents) {
        Map<String, String> wanted = new LinkedHashMap<>();
        documents.forEach(set -> wanted.putAll(set.settings()));
        if (wanted.equals(settingsWarned)) {
            return;
        }
        settingsWarned = wanted;
        if (wanted.equals(atStart.settings())) {
            LOG.info("tuning.dir: the threshold and window overrides are back to those in force since start: {}",
                    wanted);
            return;
        }
        LOG.warn("tuning.dir: threshold and window overrides changed to {} (in force since start: {}): they are read"
                + " when the detector starts, restart it to apply them; the files' exceptions, disabled rules and"
                + " severities apply now", wanted, atStart.settings());
    }

    private static String problems(List<TuningProblem> problems) {
        return problems.stream().map(TuningProblem::toString).collect(Collectors.joining("; "));
    }
}
