package dev.trailwatch.detector.command;

import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RuleLoadException;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.rules.RuleParser;
import dev.trailwatch.detector.rules.sigma.SigmaRefusal;
import dev.trailwatch.detector.rules.sigma.SigmaRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** A rule file as read. */
    record RuleFile(String location, String text) {
        boolean sigma() {
            return SigmaRules.isSigma(text);
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

    /** The rule files under these paths, in the order given (folders sorted by path). */
    static List<RuleFile> read(List<Path> paths) {
        List<RuleFile> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(path)) {
                    found = walk.filter(RuleFileCheck::isRuleFile).sorted().toList();
                } catch (IOException | RuntimeException e) {
                    throw new Unreadable(path + ": cannot read the folder: " + e.getMessage());
                }
                if (found.isEmpty()) {
                    throw new Unreadable(path + ": no rule files (*.yml, *.yaml) in this folder");
                }
                found.forEach(file -> files.add(readOne(file)));
            } else if (Files.isRegularFile(path)) {
                files.add(readOne(path));
            } else {
                throw new Unreadable(path + ": no such file or folder");
            }
        }
        return files;
    }

    /** Checks every file, and the ids across them and against the built-in rules. */
    static List<Checked> check(List<RuleFile> files, Target target) {
        Map<String, String> builtIn = new HashMap<>();
        RulePack.load(null).rules().forEach(rule -> builtIn.put(rule.id(), rule.source()));
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
            if (target == Target.TOPIC) {
                problems.add(file.location() + ": a Sigma rule: the rules topic takes TrailWatch rule files only; "
                        + "put Sigma rules in rules.dir");
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

    private static boolean isRuleFile(Path path) {
        String name = path.getFileName().toString();
        return Files.isRegularFile(path) && (name.endsWith(".yml") || name.endsWith(".yaml"));
    }
}
