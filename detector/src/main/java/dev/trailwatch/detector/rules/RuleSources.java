package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.catalog.DocumentFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds rule files: the built-in ones on the classpath and a user's own in a directory.
 *
 * <p>The built-in rules are listed in {@code rules/index.txt} next to them, and read through the class loader. A
 * class loader cannot list a resource folder, and scanning "the jar or directory this class came from" breaks as soon
 * as classes and resources are not in the same place (IDE output folders, nested jars, a custom loader in a Connect
 * worker). The index works wherever {@code getResourceAsStream} works; {@code RuleFilesTest} fails when it and the
 * folder disagree, so it cannot go stale unnoticed.
 */
final class RuleSources {

    static final String FOLDER = "rules/";
    static final String INDEX = FOLDER + "index.txt";

    /** A rule file's location (as messages and docs show it) and its text. */
    record Source(String location, String text) {
    }

    private RuleSources() {
    }

    /** The built-in rule files, in index order. */
    static List<Source> classpath(ClassLoader loader) {
        List<Source> out = new ArrayList<>();
        for (String name : indexedNames(loader)) {
            out.add(new Source(FOLDER + name, read(loader, FOLDER + name)));
        }
        return out;
    }

    /** The names {@code rules/index.txt} lists: one file name a line, {@code #} comments and blank lines ignored. */
    static List<String> indexedNames(ClassLoader loader) {
        return read(loader, INDEX).lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    /**
     * Every {@code *.yml} / {@code *.yaml} file under {@code dir} (sub-folders too, links followed, hidden entries
     * skipped: {@link DocumentFiles}, as the reload reads it), sorted by path.
     */
    static List<Source> directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RuleLoadException(dir + ": the rules directory does not exist or is not a directory");
        }
        try {
            List<Source> out = new ArrayList<>();
            ruleFiles(dir).read().forEach((location, text) -> out.add(new Source(location, text)));
            return out;
        } catch (IOException | UncheckedIOException e) {
            throw new RuleLoadException(dir + ": cannot read the rules directory: " + e.getMessage(), e);
        }
    }

    /** The rule files of a folder: {@code *.yml} and {@code *.yaml}. */
    static DocumentFiles ruleFiles(Path dir) {
        return new DocumentFiles(dir, Set.of(".yml", ".yaml"));
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new RuleLoadException(resource + ": not found on the classpath"
                        + (resource.equals(INDEX) ? "" : " (listed in " + INDEX + ")"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuleLoadException(resource + ": cannot be read: " + e.getMessage(), e);
        }
    }
}
