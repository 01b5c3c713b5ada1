package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.catalog.DocumentFiles;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watch-list rules in force: the built-in rule files plus a user's own, indexed by event name.
 *
 * <p>{@link #matching} is on the hot path (every event): a rule whose condition pins {@code $.eventName} to a finite
 * set (almost all of them) is only tried on events with one of those names, so an event costs one hash lookup plus
 * the few rules that can match it, plus the rules that could match any name (root use, AccessDenied). The index is
 * keyed by the lower-cased name, because Sigma rules compare values case-insensitively; a filter pattern still
 * compares exactly, in the rule's own condition.
 *
 * <p>Rule files of other languages ({@link RuleFormat}s: Sigma) in the same folders load next to the rule files. A rule
 * of another format that cannot be compiled is refused with a logged reason and does not stop the others
 * (docs/sigma.md).
 */
public final class RulePack {

    /** The other rule languages on the classpath ({@code META-INF/services}); the rules package names none. */
    private static final List<RuleFormat> FORMATS = ServiceLoader.load(RuleFormat.class, RulePack.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

    private final List<Rule> rules;
    private final Map<String, Rule> byId;
    private final List<Rule> unindexed;
    private final Map<String, List<Rule>> candidatesByName;
    /**
     * The candidates by event name as the event spells it, filled as names are seen: an event costs one lookup, not
     * a lower-cased copy of its name too. Bounded (the names are the input's); past the bound names are lower-cased.
     */
    private final Map<String, List<Rule>> candidatesByExactName = new ConcurrentHashMap<>();
    private static final int EXACT_NAMES = 8_192;

    private RulePack(List<Rule> rules) {
        this.rules = rules.stream().sorted(Comparator.comparing(Rule::id)).toList();
        this.byId = new LinkedHashMap<>();
        for (Rule rule : this.rules) {
            Rule other = byId.put(rule.id(), rule);
            if (other != null) {
                throw new RuleLoadException(rule.source() + ": duplicate rule id '" + rule.id() + "' (also in "
                        + other.source() + ")");
            }
        }
        this.unindexed = this.rules.stream().filter(r -> r.eventNames().isEmpty()).toList();
        this.candidatesByName = index(this.rules);
    }

    /**
     * Every built-in rule ({@code rules/} on the classpath) and, when {@code extraDir} is not null, every
     * {@code *.yml} / {@code *.yaml} file under it. Each of the user's rules has its inline tests run before it is
     * accepted; the built-in rules' are run by the build ({@code RuleFilesTest} checks every case of every one, with
     * the same check), so a start does not run them again: they are the same in every start of the same jar.
     *
     * @throws RuleLoadException naming the file, for bad YAML, unknown keys, a bad pattern, an unknown matcher, a
     *                           failing inline test or a duplicate id (Sigma files are refused one by one, logged)
     */
    public static RulePack load(Path extraDir) {
        List<Rule> rules = new ArrayList<>();
        Map<RuleFormat, List<RuleFormat.Input>> otherFormats = new LinkedHashMap<>();
        for (RuleSources.Source source : RuleSources.classpath(RulePack.class.getClassLoader())) {
            add(source, false, rules, otherFormats);
        }
        if (extraDir != null) {
            for (RuleSources.Source source : RuleSources.directory(extraDir)) {
                add(source, true, rules, otherFormats);
            }
        }
        otherFormats.forEach((format, inputs) -> rules.addAll(format.compile(inputs)));
        return new RulePack(rules);
    }

    private static void add(RuleSources.Source source, boolean verify, List<Rule> rules,
                            Map<RuleFormat, List<RuleFormat.Input>> otherFormats) {
        RuleFormat format = FORMATS.stream().filter(f -> f.recognizes(source.text())).findFirst().orElse(null);
        if (format == null) {
            rules.add(verify ? RuleParser.parseAndVerify(source.location(), source.text())
                    : RuleParser.parse(source.location(), source.text()));
        } else {
            otherFormats.computeIfAbsent(format, f -> new ArrayList<>())
                    .add(new RuleFormat.Input(source.location(), source.text()));
        }
    }

    /** The rule files of a folder as {@link #load} and the reload read them ({@code *.yml}, {@code *.yaml}). */
    public static DocumentFiles directoryFiles(Path dir) {
        return RuleSources.ruleFiles(dir);
    }

    /** A pack of already parsed rules (e.g. from the rules topic); duplicate ids fail. */
    public static RulePack of(Collection<Rule> rules) {
        return new RulePack(List.copyOf(rules));
    }

    /**
     * This pack with {@code replacements} laid over it by id: a rule with the id of one of this pack's rules takes its
     * place, the others are added. The index is built once, here.
     */
    public RulePack withOverrides(Collection<Rule> replacements) {
        if (replacements.isEmpty()) {
            return this;
        }
        Map<String, Rule> merged = new LinkedHashMap<>(byId);
        replacements.forEach(rule -> merged.put(rule.id(), rule));
        return new RulePack(List.copyOf(merged.values()));
    }

    /** All rules, sorted by id. */
    public List<Rule> rules() {
        return rules;
    }

    public Optional<Rule> rule(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every rule whose condition holds for the event, in id order. */
    public List<Rule> matching(CloudTrailEvent event) {
        String name = event.eventName();
        List<Rule> candidates = name == null ? unindexed : candidatesFor(name);
        List<Rule> matched = null;
        for (int i = 0; i < candidates.size(); i++) {
            Rule rule = candidates.get(i);
            if (rule.matches(event)) {
                if (matched == null) {
                    matched = new ArrayList<>(2);
                }
                matched.add(rule);
            }
        }
        return matched == null ? List.of() : matched;
    }

    private List<Rule> candidatesFor(String name) {
        List<Rule> candidates = candidatesByExactName.get(name);
        if (candidates == null) {
            candidates = candidatesByName.getOrDefault(name.toLowerCase(Locale.ROOT), unindexed);
            if (candidatesByExactName.size() < EXACT_NAMES) {
                candidatesByExactName.put(name, candidates);
            }
        }
        return candidates;
    }

    /** Event name -> the rules indexed under it plus the unindexed ones, each list in id order. */
    private static Map<String, List<Rule>> index(List<Rule> sorted) {
        Map<String, List<Rule>> byName = new HashMap<>();
        for (Rule rule : sorted) {
            if (rule.eventNames().isEmpty()) {
                byName.values().forEach(list -> list.add(rule));
                continue;
            }
            for (String name : rule.eventNames().get()) {
                List<Rule> list = byName.computeIfAbsent(name.toLowerCase(Locale.ROOT),
                        n -> new ArrayList<>(unindexedBefore(sorted, rule)));
                if (!list.contains(rule)) {
                    list.add(rule);
                }
            }
        }
        Map<String, List<Rule>> frozen = new HashMap<>();
        byName.forEach((name, list) -> frozen.put(name, List.copyOf(list)));
        return Map.copyOf(frozen);
    }

    private static List<Rule> unindexedBefore(List<Rule> sorted, Rule rule) {
        return sorted.stream().takeWhile(r -> r != rule).filter(r -> r.eventNames().isEmpty()).toList();
    }
}
