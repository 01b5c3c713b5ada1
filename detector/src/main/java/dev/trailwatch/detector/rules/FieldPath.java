package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.trailwatch.detector.rules.pattern.FilterPatternException;
import dev.trailwatch.detector.rules.pattern.Selector;

/**
 * A selector such as {@code $.requestParameters.ipPermissions.items[0].fromPort}, as rule templates and
 * {@code evidence:} lists use it: the filter patterns' own {@link Selector}, resolved against the raw record, with the
 * key an evidence map files it under.
 *
 * @param text the selector as written
 * @param key  the evidence key: the selector without its leading {@code $.}
 */
record FieldPath(String text, String key, Selector selector) {

    /** Parses {@code $.a.b[0]}; the message of the exception says what is wrong with it. */
    static FieldPath parse(String text) {
        if (text == null || !text.startsWith("$.")) {
            throw new IllegalArgumentException("selector '" + text + "' must start with '$.'");
        }
        try {
            return new FieldPath(text, text.substring(2), Selector.parse(text));
        } catch (FilterPatternException e) {
            throw new IllegalArgumentException("selector '" + text + "' is not valid at " + e.getMessage()
                    + " (use $.name.name[0] with letters, digits, '-' and '_')", e);
        }
    }

    /** The node at this path, or a missing node; never null. */
    JsonNode resolve(JsonNode root) {
        JsonNode node = selector.resolve(root);
        return node == null ? MissingNode.getInstance() : node;
    }
}
