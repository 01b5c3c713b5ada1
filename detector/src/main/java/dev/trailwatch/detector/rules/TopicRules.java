package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.trailwatch.detector.catalog.DocumentRejected;
import dev.trailwatch.detector.rules.pattern.FilterPatternException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What the rules topic accepts: key = rule id, value = the text of one TrailWatch rule file, which must pass every
 * check a file in {@code rules.dir} passes (schema, known keys, the filter pattern, named matchers) and its own
 * inline tests. Rejections carry a reason category: {@code key}, {@code format}, {@code yaml}, {@code unknown-key},
 * {@code schema}, {@code pattern}, {@code invalid} or {@code test}.
 */
public final class TopicRules {

    private TopicRules() {
    }

    /** Validates one record of {@code topic}; the rule's source reads {@code <topic>/<id>} in alerts' docs and logs. */
    public static Rule validate(String topic, String id, String text) {
        if (!RuleChecks.ID.matcher(id).matches()) {
            throw new DocumentRejected("key", "key '" + id + "' is not a rule id (kebab-case: lower-case letters and"
                    + " digits joined by '-')");
        }
        if (otherFormat(text)) {
            throw new DocumentRejected("format", "a rule in another language (Sigma): the rules topic takes TrailWatch"
                    + " rule files (docs/rules.md); put Sigma rules in rules.dir");
        }
        return verified(topic + "/" + id, text);
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

    private static boolean otherFormat(String text) {
        return ServiceLoader.load(RuleFormat.class, TopicRules.class.getClassLoader()).stream()
                .anyMatch(format -> format.get().recognizes(text));
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
