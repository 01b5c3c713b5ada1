package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A selector such as {@code $.requestParameters.ipPermissions.items[0].fromPort}, as rule templates and
 * {@code evidence:} lists use it: the same path syntax as the filter patterns, resolved against the raw record.
 *
 * @param text the selector as written
 * @param key  the evidence key: the selector without its leading {@code $.}
 */
record FieldPath(String text, String key, List<Object> steps) {

    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d{1,9})]");

    FieldPath {
        steps = List.copyOf(steps);
    }

    /** Parses {@code $.a.b[0]}; the message of the exception says what is wrong with it. */
    static FieldPath parse(String text) {
        if (text == null || !text.startsWith("$.")) {
            throw new IllegalArgumentException("selector '" + text + "' must start with '$.'");
        }
        List<Object> steps = new ArrayList<>();
        Matcher m = STEP.matcher(text);
        int pos = 1;
        while (pos < text.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new IllegalArgumentException("selector '" + text + "' is not valid at column " + (pos + 1)
                        + " (use $.name.name[0] with letters, digits, '-' and '_')");
            }
            steps.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
            pos = m.end();
        }
        return new FieldPath(text, text.substring(2), steps);
    }

    /** The node at this path, or a missing node; never null. */
    JsonNode resolve(JsonNode root) {
        JsonNode node = root;
        for (Object step : steps) {
            node = step instanceof Integer index ? node.path(index) : node.path((String) step);
        }
        return node;
    }
}
