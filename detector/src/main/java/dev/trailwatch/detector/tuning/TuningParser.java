package dev.trailwatch.detector.tuning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads tuning files: YAML ({@code .yml}, {@code .yaml}) or JSON ({@code .json}, or any text starting with
 * <code>{</code>), with a list of {@code exceptions} and a list of {@code overrides} (docs/tuning.md). Every problem
 * in a file is reported, not only the first, each naming the file, the entry ({@code exceptions[2] (id
 * terraform-deploy)}) and what is wrong. An entry's inline test cases ({@code tests:}, {@link TuningCase}) are read and
 * checked for shape here (a case's record must be a CloudTrail record); {@code trailwatch rules test} runs them
 * ({@link TuningTests}), the detector does not.
 *
 * <p>Rule ids are checked for shape here and against the detector's rules by {@link TuningSet#unknownRules}: the
 * parser does not know which rules exist (a rules topic may add some).
 */
public final class TuningParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_KEYS = Set.of("exceptions", "overrides");

    private TuningParser() {
    }

    /**
     * Parses one tuning file's text.
     *
     * @param source where the text comes from (a path, {@code topic trailwatch.exceptions key x}), used in messages
     * @param text   YAML or JSON; empty text is an empty set
     * @throws TuningException listing every problem found
     */
    public static TuningSet parse(String source, String text) throws TuningException {
        List<TuningProblem> problems = new ArrayList<>();
        List<ExceptionEntry> exceptions = new ArrayList<>();
        List<OverrideEntry> overrides = new ArrayList<>();
        JsonNode root = readTree(source, text, problems);
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                problems.add(new TuningProblem(source, "", "expected a mapping with 'exceptions' and/or "
                        + "'overrides' lists at the top, found " + EntryReader.kind(root)));
            } else {
                root.fieldNames().forEachRemaining(key -> {
                    if (!TOP_KEYS.contains(key)) {
                        problems.add(new TuningProblem(source, "", "unknown top-level key '" + key
                                + "' (known: exceptions, overrides)"));
                    }
                });
                readList(root, "exceptions", source, problems, (entry, label) ->
                        new EntryReader(source, label, entry, problems).exception()).forEach(e -> {
                            if (e != null) {
                                exceptions.add((ExceptionEntry) e);
                            }
                        });
                readList(root, "overrides", source, problems, (entry, label) ->
                        new EntryReader(source, label, entry, problems).override()).forEach(o -> {
                            if (o != null) {
                                overrides.add((OverrideEntry) o);
                            }
                        });
            }
        }
        if (!problems.isEmpty()) {
            throw new TuningException(problems);
        }
        return TuningSet.of(exceptions, overrides);
    }

    /**
     * Every tuning file at {@code path}: the file itself, or each {@code *.yml}, {@code *.yaml} and {@code *.json}
     * under the directory (sub-directories too, by path), as one set.
     *
     * @throws TuningException listing the problems of every file, and duplicate ids across files
     */
    public static TuningSet load(Path path) throws TuningException {
        List<TuningProblem> problems = new ArrayList<>();
        List<TuningSet> sets = new ArrayList<>();
        for (Path file : files(path, problems)) {
            try {
                sets.add(parse(file.toString(), Files.readString(file)));
            } catch (TuningException e) {
                problems.addAll(e.problems());
            } catch (IOException e) {
                problems.add(new TuningProblem(file.toString(), "", "cannot read: " + e));
            }
        }
        try {
            TuningSet all = TuningSet.combine(sets);
            if (problems.isEmpty()) {
                return all;
            }
        } catch (TuningException e) {
            problems.addAll(e.problems()); // duplicate ids across files, reported with the files' own problems
        }
        throw new TuningException(problems);
    }

    private static List<Path> files(Path path, List<TuningProblem> problems) {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            problems.add(new TuningProblem(path.toString(), "", "no such file or directory"));
            return List.of();
        }
        try (Stream<Path> all = Files.walk(path)) {
            return all.filter(file -> !hidden(path.relativize(file))).filter(Files::isRegularFile)
                    .filter(TuningParser::isTuningFile).sorted().toList();
        } catch (IOException e) {
            problems.add(new TuningProblem(path.toString(), "", "cannot list: " + e));
            return List.of();
        }
    }

    /**
     * A path with a hidden element ({@code .git}, an editor's {@code .x.yml.swp}, a Kubernetes ConfigMap's
     * {@code ..2026_12_05_09_30_00.123} folder, whose files are also linked from the mount itself): skipped, as
     * {@code DocumentFiles} skips it on reload.
     */
    private static boolean hidden(Path relative) {
        for (Path element : relative) {
            if (element.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTuningFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yml") || name.endsWith(".yaml") || name.endsWith(".json");
    }

    private static JsonNode readTree(String source, String text, List<TuningProblem> problems) {
        if (text == null || text.isBlank()) {
            return null;
        }
        boolean json = text.stripLeading().startsWith("{") || source.toLowerCase(Locale.ROOT).endsWith(".json");
        try {
            return (json ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            problems.add(new TuningProblem(source, "", "not valid " + (json ? "JSON" : "YAML")
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage()));
            return null;
        }
    }

    private interface EntryParser {
        Object read(JsonNode entry, String label);
    }

    private static List<Object> readList(JsonNode root, String key, String source, List<TuningProblem> problems,
                                         EntryParser parser) {
        JsonNode list = root.get(key);
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            problems.add(new TuningProblem(source, key, "expected a list of entries, found " + EntryReader.kind(list)));
            return List.of();
        }
        List<Object> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String label = key + "[" + i + "]" + (entry.path("id").isTextual() ? " (id " + entry.get("id").asText()
                    + ")" : "");
            entries.add(parser.read(entry, label));
        }
        return entries;
    }
}
