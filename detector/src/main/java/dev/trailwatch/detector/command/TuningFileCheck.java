package dev.trailwatch.detector.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.command.RuleFileCheck.RuleFile;
import dev.trailwatch.detector.command.RuleFileCheck.Target;
import dev.trailwatch.detector.tuning.ExceptionEntry;
import dev.trailwatch.detector.tuning.OverrideEntry;
import dev.trailwatch.detector.tuning.TuningCase;
import dev.trailwatch.detector.tuning.TuningException;
import dev.trailwatch.detector.tuning.TuningParser;
import dev.trailwatch.detector.tuning.TuningProblem;
import dev.trailwatch.detector.tuning.TuningSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tuning files of a {@code trailwatch rules} run (docs/tuning.md: a YAML or JSON document with top-level
 * {@code exceptions:} and/or {@code overrides:}), checked as the detector checks them: {@link TuningParser} for each
 * file (ids, owner, reason, expiry, matchers, CIDRs, patterns, unknown keys, inline test cases), the files combined
 * as {@code tuning.dir}'s are (ids unique across them, no conflicting overrides), and every rule id they name, their
 * test cases' too, against the rules of the run (bundled, the run's rule files, the stateful detections, the run's
 * Sigma correlations). For the exceptions topic ({@link Target#TOPIC}) also what the detector refuses there:
 * threshold and window overrides, and two files with one document name (the topic's key, the file name without its
 * extension), which would replace each other.
 */
final class TuningFileCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern YAML_TOP = Pattern.compile("(?m)^[\"']?(exceptions|overrides)[\"']?[ \\t]*:");
    private static final Pattern YAML_RULE = Pattern.compile("(?m)^[\"']?(id|condition|detection|title)[\"']?[ \\t]*:");
    private static final Pattern JSON_TOP = Pattern.compile("\"(exceptions|overrides)\"\\s*:");
    private static final Pattern DOCUMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,248}");

    /**
     * One tuning file's outcome.
     *
     * @param set      its entries when it parses, or null
     * @param problems full messages, each naming the file (and entry)
     */
    record Checked(RuleFile file, TuningSet set, List<String> problems, List<String> notes) {
        boolean ok() {
            return problems.isEmpty();
        }

        /** The document name on the exceptions topic: the file name without its extension. */
        String document() {
            return documentName(file.location());
        }

        /** What the file holds, for the {@code ok} line. */
        String summary() {
            if (set == null) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            if (!set.exceptions().isEmpty()) {
                parts.add("exceptions: " + String.join(", ", set.exceptions().stream().map(ExceptionEntry::id)
                        .toList()));
            }
            if (!set.overrides().isEmpty()) {
                parts.add("overrides: " + String.join(", ", set.overrides().stream().map(o -> o.id()).toList()));
            }
            return parts.isEmpty() ? "[empty tuning file]" : "[" + String.join("; ", parts) + "]";
        }
    }

    private TuningFileCheck() {
    }

    /**
     * Whether a file is a tuning file rather than a rule file: a YAML mapping with {@code exceptions} or
     * {@code overrides} at the top and none of a rule's ({@code id}, {@code condition}) or Sigma's top keys, or a JSON
     * object with {@code exceptions} or {@code overrides}. Decided on the text, so that a tuning file with a YAML
     * mistake is still checked (and reported) as tuning.
     */
    static boolean isTuning(String location, String text) {
        String start = text.stripLeading();
        if (start.startsWith("{")) {
            try {
                JsonNode tree = JSON.readTree(text);
                return tree != null && tree.isObject() && (tree.has("exceptions") || tree.has("overrides"))
                        && !tree.has("condition");
            } catch (IOException e) {
                return JSON_TOP.matcher(text).find();
            }
        }
        return YAML_TOP.matcher(text).find() && !YAML_RULE.matcher(text).find();
    }

    /** The exceptions topic's key for a file: its name without the extension ({@code ci/terraform.yml} -> terraform). */
    static String documentName(String location) {
        String name = Path.of(location).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * @param known every rule id the run knows: an entry or test case naming another never applies or never runs
     */
    static List<Checked> check(List<RuleFile> files, Set<String> known, Target target) {
        Map<RuleFile, List<String>> problems = new LinkedHashMap<>();
        Map<RuleFile, List<String>> notes = new LinkedHashMap<>();
        Map<RuleFile, TuningSet> sets = new LinkedHashMap<>();
        Map<String, RuleFile> byLocation = new HashMap<>();
        Map<String, RuleFile> documents = new HashMap<>();
        for (RuleFile file : files) {
            problems.put(file, new ArrayList<>());
            notes.put(file, new ArrayList<>());
            byLocation.put(file.location(), file);
            try {
                sets.put(file, TuningParser.parse(file.location(), file.text()));
            } catch (TuningException e) {
                e.problems().forEach(p -> problems.get(file).add(p.toString()));
            }
            if (target == Target.TOPIC) {
                topicChecks(file, sets.get(file), documents, problems.get(file), notes.get(file));
            }
        }
        try {
            TuningSet.combine(sets.values());
        } catch (TuningException e) {
            for (TuningProblem p : e.problems()) {
                RuleFile file = byLocation.get(p.source());
                (file == null ? problems.get(files.get(0)) : problems.get(file)).add(p.toString());
            }
        }
        sets.forEach((file, set) -> {
            // a case on the exception's own unknown rule is reported once, with the exception
            set.unknownRules(known).forEach(p -> problems.get(file).add(p.toString()));
            for (ExceptionEntry e : set.exceptions()) {
                unknownCaseRules(file, "exception " + e.id(), e.tests(), e.rules().ids(), known, problems.get(file));
            }
            for (OverrideEntry o : set.overrides()) {
                unknownCaseRules(file, "override " + o.id(), o.tests(), Set.of(o.rule()), known, problems.get(file));
            }
        });
        List<Checked> out = new ArrayList<>();
        for (RuleFile file : files) {
            out.add(new Checked(file, sets.get(file), List.copyOf(problems.get(file)), List.copyOf(notes.get(file))));
        }
        return out;
    }

    private static void unknownCaseRules(RuleFile file, String entry, List<TuningCase> tests, Set<String> own,
                                         Set<String> known, List<String> problems) {
        for (TuningCase test : tests) {
            if (!known.contains(test.rule()) && !own.contains(test.rule())) {
                problems.add(file.location() + ": " + entry + ": test '" + test.name() + "': unknown rule id '"
                        + test.rule() + "' (see docs/detections/ for the ids, or give your rule files in the same"
                        + " run)");
            }
        }
    }

    /** What the exceptions topic refuses, and the document name (the record key) each file is published under. */
    private static void topicChecks(RuleFile file, TuningSet set, Map<String, RuleFile> documents,
                                    List<String> problems, List<String> notes) {
        String name = documentName(file.location());
        if (!DOCUMENT.matcher(name).matches()) {
            problems.add(file.location() + ": document name '" + name + "' (the file name without its extension, the"
                    + " exceptions topic's key) must be letters, digits, '.', '_' or '-': rename the file");
        } else {
            RuleFile other = documents.putIfAbsent(name, file);
            if (other != null) {
                problems.add(file.location() + ": document name '" + name + "' is also the name of "
                        + other.location() + ": on the exceptions topic one would replace the other; rename one");
            } else {
                notes.add(file.location() + ": exceptions topic document '" + name + "'");
            }
        }
        if (set != null && !set.settings().isEmpty()) {
            problems.add(file.location() + ": threshold and window overrides (" + String.join(", ",
                    set.settings().keySet()) + ") are read at start only and the exceptions topic refuses them: put"
                    + " them in a tuning.dir file and restart");
        }
    }
}
