package dev.trailwatch.detector.command;

import dev.trailwatch.detector.catalog.DocumentRejected;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RuleLoadException;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.rules.RuleParser;
import dev.trailwatch.detector.rules.TopicRules;
import dev.trailwatch.detector.rules.sigma.SigmaRefusal;
import dev.trailwatch.detector.rules.sigma.SigmaRules;
import dev.trailwatch.detector.topology.KnownRules;
import dev.trailwatch.detector.tuning.TuningException;
import dev.trailwatch.detector.tuning.TuningSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What {@code trailwatch rules lint}, {@code test} and {@code publish} share: reading the rule files a user names
 * (files, or folders walked for {@code *.yml} / {@code *.yaml}) and checking each one without running anything, the
 * way the detector loads it: the YAML schema and known keys, the id (kebab-case, equal to the file name, unique, and
 * not a built-in id unless the rules go to the rules topic, where such a rule replaces the built-in one), the filter
 * patterns and named matchers. Sigma files compile together, as in {@code rules.dir}.
 */
final class RuleFileCheck {

    /** Where the files go: {@code rules.dir} (a built-in id is a clash) or the rules topic (it is a replacement). */
    enum Target { RULES_DIR, TOPIC }

    /** A rule file (or a tuning file: {@link #tuning()}) as read. */
    record RuleFile(String location, String text) {
        boolean sigma() {
            return !tuning() && SigmaRules.isSigma(text);
        }

        /** A tuning file (exceptions, overrides), checked by {@link TuningFileCheck}. */
        boolean tuning() {
            return TuningFileCheck.isTuning(location, text);
        }
    }

    /**
     * Everything a run checked: its rule files and its tuning files, with what the tuning's test cases need (the rules
     * that alert on single records, by id: the bundled ones with the run's laid over them; the stateful detections'
     * ids).
     */
    record Checks(List<Checked> rules, List<TuningFileCheck.Checked> tuning, Map<String, Rule> watchList,
                  Set<String> stateful) {

        boolean ok() {
            return rules.stream().allMatch(Checked::ok) && tuning.stream().allMatch(TuningFileCheck.Checked::ok);
        }

        /** The run's tuning files as one set, as {@code tuning.dir} combines them; only when every one is ok. */
        TuningSet tuningSet() {
            try {
                return TuningSet.combine(tuning.stream().map(TuningFileCheck.Checked::set).toList());
            } catch (TuningException e) {
                throw new IllegalStateException("tuning files that passed their checks do not combine", e);
            }
        }
    }

    /**
     * One file's outcome: the rules it holds (one for a TrailWatch rule file, one or more for a Sigma file), its
     * problems (each a full message naming the file) and notes that are not problems.
     */
    record Checked(RuleFile file, List<Rule> rules, List<String> problems, List<String> notes) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /** A path that cannot be read, or holds no rule file: exit 2 (the command line's handler), nothing was checked. */
    static final class Unreadable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    private RuleFileCheck() {
    }

    /**
     * Reads and checks the rule files and tuning files under these paths: each rule file as {@link #check} does, each
     * tuning file as {@link TuningFileCheck#check} does, with the rule ids the tuning names checked against the
     * bundled rules, the run's rule files, the stateful detections and the run's Sigma correlations.
     */
    static Checks checkAll(List<Path> paths, Target target) {
        List<RuleFile> files = read(paths);
        List<RuleFile> tuningFiles = files.stream().filter(RuleFile::tuning).toList();
        RulePack bundled = RulePack.load(null);
        List<Checked> rules = check(files, target, bundled);
        Map<String, Rule> watchList = new HashMap<>();
        bundled.rules().forEach(rule -> watchList.put(rule.id(), rule));
        rules.forEach(file -> file.rules().forEach(rule -> watchList.put(rule.id(), rule)));
        Set<String> stateful = new TreeSet<>(KnownRules.STATEFUL);
        List<SigmaRules.Input> sigma = files.stream().filter(RuleFile::sigma)
                .map(file -> new SigmaRules.Input(file.location(), file.text())).toList();
        if (!sigma.isEmpty()) {
            SigmaRules.compile(sigma).correlations().forEach(c -> stateful.add(c.ruleId()));
        }
        Set<String> known = new HashSet<>(stateful);
        known.addAll(watchList.keySet());
        List<TuningFileCheck.Checked> tuning = tuningFiles.isEmpty() ? List.of()
                : TuningFileCheck.check(tuningFiles, known, target);
        return new Checks(rules, tuning, Map.copyOf(watchList), Set.copyOf(stateful));
    }

    /**
     * The rule and tuning files under these paths, in the order given (folders sorted by path): {@code *.yml} and
     * {@code *.yaml}, and {@code *.json} files that are tuning files (other JSON files, such as the CloudTrail records
     * test cases read, are left out of a folder; a JSON file named alone is checked as what its content is).
     */
    static List<RuleFile> read(List<Path> paths) {
        List<RuleFile> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(path)) {
                    found = walk.filter(RuleFileCheck::isCandidate).sorted().toList();
                } catch (IOException | RuntimeException e) {
                    throw new Unreadable(path + ": cannot read the folder: " + e.getMessage());
                }
                int before = files.size();
                for (Path file : found) {
                    RuleFile read = readOne(file);
                    if (!isJson(file) || read.tuning()) {
                        files.add(read);
                    }
                }
                if (files.size() == before) {
                    throw new Unreadable(path + ": no rule files (*.yml, *.yaml) or tuning files (also *.json) in"
                            + " this folder");
                }
            } else if (Files.isRegularFile(path)) {
                files.add(readOne(path));
            } else {
                throw new Unreadable(path + ": no such file or folder");
            }
        }
        return files;
    }

    /** Checks every rule file (tuning files are left out), and the ids across them and against the built-in rules. */
    static List<Checked> check(List<RuleFile> all, Target target) {
        return check(all, target, RulePack.load(null));
    }

    private static List<Checked> check(List<RuleFile> all, Target target, RulePack bundled) {
        List<RuleFile> files = all.stream().filter(file -> !file.tuning()).toList();
        Map<String, String> builtIn = new HashMap<>();
        bundled.rules().forEach(rule -> builtIn.put(rule.id(), rule.source()));
        Map<RuleFile, Checked> out = new LinkedHashMap<>();
        List<RuleFile> sigma = files.stream().filter(RuleFile::sigma).toList();
        for (RuleFile file : files) {
            out.put(file, file.sigma() ? null : checkRuleFile(file));
        }
        if (!sigma.isEmpty()) {
            checkSigma(sigma, target).forEach(out::put);
        }
        List<Checked> checked = new ArrayList<>(out.values());
        return checkIds(checked, builtIn, target);
    }

    private static Checked checkRuleFile(RuleFile file) {
        try {
            return new Checked(file, List.of(RuleParser.parse(file.location(), file.text())), List.of(), List.of());
        } catch (RuleLoadException e) {
            return new Checked(file, List.of(), List.of(e.getMessage()), List.of());
        }
    }

    /** Sigma files compile together (correlations refer across files); each refusal is a problem of its file. */
    private static Map<RuleFile, Checked> checkSigma(List<RuleFile> files, Target target) {
        SigmaRules.Loaded loaded = SigmaRules.compile(files.stream()
                .map(file -> new SigmaRules.Input(file.location(), file.text())).toList());
        Map<RuleFile, Checked> out = new LinkedHashMap<>();
        for (RuleFile file : files) {
            List<Rule> rules = loaded.watchListRules().stream()
                    .filter(rule -> rule.source().equals(file.location())).toList();
            List<String> problems = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (SigmaRefusal refusal : loaded.refusals()) {
                if (refusal.source().equals(file.location())) {
                    (refusal.kind() == SigmaRefusal.Kind.CORRELATION_NOT_RUN ? notes : problems).add(refusal.message());
                }
            }
            if (target == Target.TOPIC && problems.isEmpty()) {
                // What the detector runs on the record: the file compiles alone, correlations are refused.
                try {
                    String key = TopicRules.key(file.location(), file.text()).orElseThrow();
                    rules = TopicRules.document("rules topic", key, file.text());
                    notes.clear();
                } catch (DocumentRejected e) {
                    problems.add(file.location() + ": on the rules topic: " + e.getMessage());
                }
            }
            out.put(file, new Checked(file, rules, problems, notes));
        }
        return out;
    }

    private static List<Checked> checkIds(List<Checked> checked, Map<String, String> builtIn, Target target) {
        Map<String, String> seen = new HashMap<>();
        List<Checked> out = new ArrayList<>();
        for (Checked file : checked) {
            List<String> problems = new ArrayList<>(file.problems());
            List<String> notes = new ArrayList<>(file.notes());
            for (Rule rule : file.rules()) {
                String other = seen.putIfAbsent(rule.id(), file.file().location());
                if (other != null) {
                    problems.add(file.file().location() + ": duplicate rule id '" + rule.id() + "' (also in " + other
                            + ")");
                } else if (builtIn.containsKey(rule.id()) && target == Target.TOPIC) {
                    notes.add(file.file().location() + ": replaces the built-in rule '" + rule.id() + "' ("
                            + builtIn.get(rule.id()) + ") while it is on the rules topic");
                } else if (builtIn.containsKey(rule.id())) {
                    problems.add(file.file().location() + ": rule id '" + rule.id() + "' is the id of a built-in rule"
                            + " (" + builtIn.get(rule.id()) + "): in rules.dir it stops the detector at start; "
                            + "published to the rules topic it replaces the built-in rule (lint with --for-topic)");
                }
            }
            out.add(new Checked(file.file(), file.rules(), List.copyOf(problems), List.copyOf(notes)));
        }
        return out;
    }

    private static RuleFile readOne(Path file) {
        try {
            return new RuleFile(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new Unreadable(file + ": cannot read the file: " + e.getMessage());
        }
    }

    private static boolean isCandidate(Path path) {
        String name = path.getFileName().toString();
        return Files.isRegularFile(path) && (name.endsWith(".yml") || name.endsWith(".yaml") || isJson(path));
    }

    private static boolean isJson(Path path) {
        return path.getFileName().toString().endsWith(".json");
    }
}
