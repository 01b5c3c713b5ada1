package dev.trailwatch.detector.rules.sigma;

import dev.trailwatch.detector.catalog.DocumentFiles;
import dev.trailwatch.detector.rules.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The entry point for Sigma rules: recognizes Sigma files, compiles a collection of them (single-event rules, global
 * filters, correlations) and returns what loaded and, for everything else, a {@link SigmaRefusal} saying exactly why.
 * Nothing here throws for a bad rule: one broken file never keeps the others, or the detector, from running.
 *
 * <pre>{@code
 * SigmaRules.Loaded loaded = SigmaRules.load(Path.of("/etc/trailwatch/rules"));
 * loaded.refusals().forEach(r -> System.err.println(r.message()));
 * List<Rule> rules = loaded.watchListRules();
 * }</pre>
 */
public final class SigmaRules {

    private static final Pattern SIGMA_KEY = Pattern.compile("(?m)^(detection|logsource|correlation)[ \\t]*:");

    /** A file's location (as messages show it) and its text. */
    public record Input(String location, String text) {
    }

    /**
     * The result of compiling a collection.
     *
     * @param rules        the single-event rules that run
     * @param correlations the correlation rules that parsed and whose references resolved (the burst family runs
     *                     the ones a stream can decide)
     * @param feeders      compiled rules that only feed correlations ({@code generate: false}): they do not alert on
     *                     their own (each is also listed in {@code refusals} as CORRELATION_NOT_RUN while correlations
     *                     do not run); a correlation stream takes its inputs from here and from {@code rules}
     * @param refusals     everything else, with the reason
     */
    public record Loaded(List<SigmaRule> rules, List<SigmaCorrelation> correlations, List<SigmaRule> feeders,
                         List<SigmaRefusal> refusals) {

        public Loaded {
            rules = List.copyOf(rules);
            feeders = List.copyOf(feeders);
            correlations = List.copyOf(correlations);
            refusals = List.copyOf(refusals);
        }

        /** The rules as watch-list rules, to run next to the rule files. */
        public List<Rule> watchListRules() {
            return rules.stream().map(SigmaRule::toRule).toList();
        }
    }

    private SigmaRules() {
    }

    /**
     * Whether a rule file is Sigma rather than TrailWatch's own format: it has a top-level {@code detection:},
     * {@code logsource:} or {@code correlation:} key, which TrailWatch rule files never have. Decided on the text, so
     * a Sigma file with broken YAML is still refused as Sigma (with the YAML error) instead of as a TrailWatch rule.
     */
    public static boolean isSigma(String text) {
        return SIGMA_KEY.matcher(text).find();
    }

    /** Every Sigma file ({@code *.yml}, {@code *.yaml}, sub-folders too) under {@code dir}, compiled together. */
    public static Loaded load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        List<Input> inputs = new ArrayList<>();
        try {
            new DocumentFiles(dir, Set.of(".yml", ".yaml")).read().forEach((location, text) -> {
                if (isSigma(text)) {
                    inputs.add(new Input(location, text));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read: " + e.getMessage(), e);
        }
        return compile(inputs);
    }

    /** Compiles files together: correlations and global filters refer to rules across files. */
    public static Loaded compile(List<Input> inputs) {
        return new SigmaCollection().compile(inputs);
    }

    /** The kebab-case id a document gets: {@code sigma-<file>} and, in a multi-document file, its name or index. */
    static String ruleId(String location, int document, int documents, String name) {
        String file = location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\')) + 1)
                .replaceFirst("\\.ya?ml$", "");
        String id = "sigma-" + slug(file);
        return documents == 1 ? id : id + "-" + (name.isBlank() ? "doc" + document : slug(name));
    }

    private static String slug(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }
}
