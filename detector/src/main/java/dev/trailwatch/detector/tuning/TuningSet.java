package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.model.Alert;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every exception and override in force, as one immutable value: what the topology's tuning step reads for each
 * alert (through a {@code Supplier<TuningSet>}, so that a newer set can replace it while the detector runs).
 *
 * <p>Deciding an alert: a disabled rule wins (for the accounts and OUs it is disabled in); then the first exception,
 * by id, that applies; then the most specific severity override (an account beats an OU beats the whole
 * organization; on a tie the lowest id). All of it is judged at the alert's first event time, so the same input gives
 * the same alerts in {@code run} and {@code scan}, and an alert's updates get the verdict of the alert itself.
 */
public final class TuningSet {

    private static final Comparator<ExceptionEntry> BY_ID = Comparator.comparing(ExceptionEntry::id);
    private static final TuningSet EMPTY = new TuningSet(List.of(), List.of());

    private final List<ExceptionEntry> exceptions;
    private final List<OverrideEntry> overrides;
    private final Map<String, List<ExceptionEntry>> exceptionsByRule = new HashMap<>();
    private final List<ExceptionEntry> forEveryRule = new ArrayList<>();
    private final Map<String, List<OverrideEntry>> overridesByRule = new HashMap<>();
    private final Map<String, List<ExceptionEntry>> candidates = new ConcurrentHashMap<>();

    private TuningSet(List<ExceptionEntry> exceptions, List<OverrideEntry> overrides) {
        this.exceptions = exceptions.stream().sorted(BY_ID).toList();
        this.overrides = overrides.stream().sorted(Comparator.comparing(OverrideEntry::id)).toList();
        for (ExceptionEntry exception : this.exceptions) {
            if (exception.rules().all()) {
                forEveryRule.add(exception);
            } else {
                exception.rules().ids().forEach(rule ->
                        exceptionsByRule.computeIfAbsent(rule, r -> new ArrayList<>()).add(exception));
            }
        }
        for (OverrideEntry override : this.overrides) {
            if (override.disabled() || override.severity() != null) {
                overridesByRule.computeIfAbsent(override.rule(), r -> new ArrayList<>()).add(override);
            }
        }
    }

    /** No exceptions, no overrides: every alert goes out as its detector raised it. */
    public static TuningSet empty() {
        return EMPTY;
    }

    /**
     * A set of these entries.
     *
     * @throws TuningException when two entries share an id, two unscoped overrides give one rule different
     *                         severities, or two overrides set one detector setting to different values
     */
    public static TuningSet of(List<ExceptionEntry> exceptions, List<OverrideEntry> overrides)
            throws TuningException {
        List<TuningProblem> problems = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (ExceptionEntry e : exceptions) {
            unique(ids, e.id(), e.source(), "exception", problems);
        }
        for (OverrideEntry o : overrides) {
            unique(ids, o.id(), o.source(), "override", problems);
        }
        Map<String, OverrideEntry> unscopedSeverity = new HashMap<>();
        Map<String, OverrideEntry> setBy = new HashMap<>();
        for (OverrideEntry o : overrides) {
            if (o.severity() != null && !o.scoped()) {
                OverrideEntry other = unscopedSeverity.putIfAbsent(o.rule(), o);
                if (other != null && other.severity() != o.severity()) {
                    problems.add(new TuningProblem(o.source(), "override " + o.id(), "sets rule " + o.rule()
                            + " to " + o.severity() + " for all accounts, but override " + other.id() + " ("
                            + other.source() + ") sets it to " + other.severity()));
                }
            }
            o.settings().forEach((setting, value) -> {
                OverrideEntry other = setBy.putIfAbsent(setting, o);
                if (other != null && !other.settings().get(setting).equals(value)) {
                    problems.add(new TuningProblem(o.source(), "override " + o.id(), "sets " + setting + " to "
                            + value + ", but override " + other.id() + " (" + other.source() + ") sets it to "
                            + other.settings().get(setting) + " (both rules use this setting)"));
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new TuningException(problems);
        }
        return exceptions.isEmpty() && overrides.isEmpty() ? EMPTY : new TuningSet(exceptions, overrides);
    }

    private static void unique(Map<String, String> ids, String id, String source, String kind,
                               List<TuningProblem> problems) {
        String other = ids.putIfAbsent(id, source);
        if (other != null) {
            problems.add(new TuningProblem(source, kind + " " + id, "duplicate id '" + id + "' (also in " + other
                    + "); ids must be unique over all tuning files"));
        }
    }

    /** All entries of several sets (the files of a directory, files and a topic) as one; the same checks as {@link #of}. */
    public static TuningSet combine(Collection<TuningSet> sets) throws TuningException {
        List<ExceptionEntry> exceptions = new ArrayList<>();
        List<OverrideEntry> overrides = new ArrayList<>();
        sets.forEach(set -> {
            exceptions.addAll(set.exceptions);
            overrides.addAll(set.overrides);
        });
        return of(exceptions, overrides);
    }

    /** Every exception, by id. */
    public List<ExceptionEntry> exceptions() {
        return exceptions;
    }

    /** Every override, by id. */
    public List<OverrideEntry> overrides() {
        return overrides;
    }

    public boolean isEmpty() {
        return exceptions.isEmpty() && overrides.isEmpty();
    }

    /** What to do with one alert whose account has no OU known (tests, {@code rules test}). */
    public Verdict judge(Alert alert) {
        return judge(AlertSubject.of(alert));
    }

    /** What to do with one alert; the subject supplies its account's OU when an entry asks for it. */
    public Verdict judge(AlertSubject subject) {
        String rule = subject.alert().ruleId();
        List<OverrideEntry> ruleOverrides = overridesByRule.getOrDefault(rule, List.of());
        for (OverrideEntry override : ruleOverrides) {
            if (override.disabled() && override.specificityFor(subject) != OverrideEntry.NOT_IN_SCOPE) {
                return new Verdict.Disabled(subject.alert(), override);
            }
        }
        for (ExceptionEntry exception : candidates(rule)) {
            if (exception.appliesTo(subject)) {
                return new Verdict.Excepted(subject.alert(), exception);
            }
        }
        OverrideEntry severityBy = null;
        int best = OverrideEntry.NOT_IN_SCOPE;
        for (OverrideEntry override : ruleOverrides) {
            if (override.severity() != null) {
                int specificity = override.specificityFor(subject);
                if (specificity > best) {
                    best = specificity;
                    severityBy = override;
                }
            }
        }
        if (severityBy == null || severityBy.severity() == subject.alert().severity()) {
            return new Verdict.Keep(subject.alert(), null);
        }
        return new Verdict.Keep(subject.alert().toBuilder().severity(severityBy.severity()).build(), severityBy);
    }

    /** The exceptions that may apply to a rule's alerts, by id: its own and those for every rule. */
    private List<ExceptionEntry> candidates(String rule) {
        List<ExceptionEntry> own = exceptionsByRule.get(rule);
        if (own == null) {
            return forEveryRule;
        }
        return candidates.computeIfAbsent(rule, r -> {
            List<ExceptionEntry> all = new ArrayList<>(own);
            all.addAll(forEveryRule);
            all.sort(BY_ID);
            return List.copyOf(all);
        });
    }

    /** Rules some override disables, with where ({@code all accounts}, {@code OUs [sandbox-*]}), for start-up logs. */
    public Map<String, String> disabledRules() {
        Map<String, String> disabled = new TreeMap<>();
        overrides.stream().filter(OverrideEntry::disabled).forEach(o -> disabled.merge(o.rule(),
                o.scope() + (o.expires() == null ? "" : " until " + o.expires()), (a, b) -> a + "; " + b));
        return disabled;
    }

    /** The detector settings the overrides set (setting name to value), applied when the topology is built. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        overrides.forEach(o -> settings.putAll(o.settings()));
        return settings;
    }

    /** The configuration with the overrides' thresholds and windows in place of the configured ones. */
    public DetectorConfig applyTo(DetectorConfig config) {
        Map<String, String> settings = settings();
        return settings.isEmpty() ? config : config.with(settings);
    }

    /**
     * Entries that name a rule the detector does not have (a typo, a rule since renamed): such an entry would never
     * apply, which is worse than an error.
     */
    public List<TuningProblem> unknownRules(Set<String> knownRules) {
        List<TuningProblem> problems = new ArrayList<>();
        for (ExceptionEntry e : exceptions) {
            e.rules().ids().stream().filter(id -> !knownRules.contains(id)).sorted().forEach(id ->
                    problems.add(new TuningProblem(e.source(), "exception " + e.id(), unknown(id))));
        }
        for (OverrideEntry o : overrides) {
            if (!knownRules.contains(o.rule())) {
                problems.add(new TuningProblem(o.source(), "override " + o.id(), unknown(o.rule())));
            }
        }
        return problems;
    }

    private static String unknown(String rule) {
        return "unknown rule id '" + rule + "' (see docs/detections/ for the ids, or your rules.dir)";
    }

    @Override
    public String toString() {
        return "TuningSet[" + exceptions.size() + " exceptions, " + overrides.size() + " overrides]";
    }
}
