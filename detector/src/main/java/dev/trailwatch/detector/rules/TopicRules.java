package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.trailwatch.detector.catalog.DocumentRejected;
import dev.trailwatch.detector.rules.pattern.FilterPatternException;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What the rules topic accepts: key = rule id, value = the text of one TrailWatch rule file, which must pass every
 * check a file in {@code rules.dir} passes (schema, known keys, the filter pattern, named matchers) and its own
 * inline tests; or a rule file of another format ({@link RuleFormat}: single-event Sigma rules), compiled by that
 * format on its own. Rejections carry a reason category: {@code key}, {@code yaml}, {@code unknown-key},
 * {@code schema}, {@code pattern}, {@code invalid}, {@code test}, and the other formats' ({@code sigma},
 * {@code correlation}).
 */
public final class TopicRules {

    private static final List<RuleFormat> FORMATS = ServiceLoader.load(RuleFormat.class,
            TopicRules.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

    private TopicRules() {
    }

    /**
     * Validates one record of {@code topic}: the rules it puts in force (one for a TrailWatch rule file; a Sigma file
     * may hold several). This is what the detector runs on every record and what {@code rules lint --for-topic}
     * should run on each file.
     */
    public static List<Rule> document(String topic, String key, String text) {
        checkKey(key);
        Optional<RuleFormat> format = FORMATS.stream().filter(f -> f.recognizes(text)).findFirst();
        if (format.isPresent()) {
            return format.get().compileForTopic(topic, key, text);
        }
        return List.of(verified(topic + "/" + key, text));
    }

    /**
     * The key a rule file is published under: its rule id for a TrailWatch rule file, the id another format gives the
     * file for the others ({@code sigma-<file name in kebab-case>}); empty when the TrailWatch file has no readable id.
     * With {@link #document}, what {@code rules lint --for-topic} and {@code rules publish} need to treat a file as the
     * detector will.
     */
    public static Optional<String> key(String location, String text) {
        Optional<RuleFormat> format = FORMATS.stream().filter(f -> f.recognizes(text)).findFirst();
        if (format.isPresent()) {
            return Optional.of(format.get().topicKey(location));
        }
        try {
            return Optional.of(RuleParser.parse(location, text).id());
        } catch (RuleLoadException e) {
            return Optional.empty();
        }
    }

    private static void checkKey(String key) {
        if (!RuleChecks.ID.matcher(key).matches()) {
            throw new DocumentRejected("key", "key '" + key + "' is not a rule id (kebab-case: lower-case letters and"
                    + " digits joined by '-')");
        }
    }

    /**
     * A TrailWatch rule file parsed and its inline tests passed (a record of the topic, a file of {@code rules.dir}
     * re-read), or the rejection with its category.
     */
    static Rule verified(String source, String text) {
        Rule rule;
        try {
            rule = RuleParser.parse(source, text);
        } catch (RuleLoadException e) {
            throw new DocumentRejected(category(e), e.getMessage(), e);
        }
        for (RuleCase test : rule.tests()) {
            Optional<String> problem = test.check(rule);
            if (problem.isPresent()) {
                throw new DocumentRejected("test", source + ": " + problem.get());
            }
        }
        return rule;
    }

    static String category(RuleLoadException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException) {
            return "unknown-key";
        }
        if (cause instanceof JsonMappingException) {
            return "schema";
        }
        if (cause instanceof JsonProcessingException) {
            return "yaml";
        }
        if (cause instanceof FilterPatternException) {
            return "pattern";
        }
        return "invalid";
    }
}
