package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * A rule's title or description with placeholders: {@code {principal}}, {@code {accountId}}, {@code {region}},
 * {@code {sourceIp}}, {@code {eventName}}, {@code {eventSource}}, {@code {userAgent}} and any selector
 * {@code {$.requestParameters.groupId}}. Alternatives separated by {@code |} take the first that has a value:
 * {@code {$.requestParameters.name|$.requestParameters.trailName}}, {@code {$.requestParameters.userName|principal}}.
 * Parsed once at load time, so an unknown placeholder fails the rule file instead of showing up in an alert.
 */
final class Template {

    /** What a placeholder shows when the record has no such value. */
    static final String MISSING = "(unknown)";

    private static final Map<String, Function<CloudTrailEvent, String>> NAMED = Map.of(
            "principal", CloudTrailEvent::principal,
            "accountId", CloudTrailEvent::accountShown,
            "region", CloudTrailEvent::awsRegion,
            "sourceIp", CloudTrailEvent::sourceIpAddress,
            "eventName", CloudTrailEvent::eventName,
            "eventSource", CloudTrailEvent::eventSource,
            "userAgent", CloudTrailEvent::userAgent);

    private final String text;
    private final List<Function<CloudTrailEvent, String>> parts;

    private Template(String text, List<Function<CloudTrailEvent, String>> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** Parses a template; the exception message names the bad placeholder. */
    static Template parse(String text) {
        List<Function<CloudTrailEvent, String>> parts = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int open = text.indexOf('{', pos);
            if (open < 0) {
                parts.add(literal(text.substring(pos)));
                break;
            }
            int close = text.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("'{' at column " + (open + 1) + " is never closed");
            }
            parts.add(literal(text.substring(pos, open)));
            parts.add(alternatives(text.substring(open + 1, close)));
            pos = close + 1;
        }
        return new Template(text, parts);
    }

    /** {@code literal} shown exactly as written (braces and all), followed by the template {@code then}. */
    static Template literalThen(String literal, String then) {
        Template rest = parse(then);
        List<Function<CloudTrailEvent, String>> parts = new ArrayList<>();
        parts.add(literal(literal));
        parts.addAll(rest.parts);
        return new Template(literal + rest.text, parts);
    }

    String text() {
        return text;
    }

    String render(CloudTrailEvent event) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (Function<CloudTrailEvent, String> part : parts) {
            out.append(part.apply(event));
        }
        return out.toString();
    }

    private static Function<CloudTrailEvent, String> literal(String s) {
        return e -> s;
    }

    private static Function<CloudTrailEvent, String> alternatives(String inside) {
        List<Function<CloudTrailEvent, String>> choices = new ArrayList<>();
        for (String choice : inside.split("\\|", -1)) {
            choices.add(placeholder(choice.trim()));
        }
        return e -> {
            for (Function<CloudTrailEvent, String> choice : choices) {
                String value = choice.apply(e);
                if (value != null && !value.isEmpty()) {
                    return value;
                }
            }
            return MISSING;
        };
    }

    private static Function<CloudTrailEvent, String> placeholder(String name) {
        if (name.startsWith("$")) {
            FieldPath path = FieldPath.parse(name);
            return e -> show(path.resolve(e.record()));
        }
        Function<CloudTrailEvent, String> named = NAMED.get(name);
        if (named == null) {
            throw new IllegalArgumentException("unknown placeholder {" + name + "} (known: {principal}, {accountId},"
                    + " {region}, {sourceIp}, {eventName}, {eventSource}, {userAgent} and {$.json.path})");
        }
        return named;
    }

    /**
     * What a selector's value looks like in an alert: a scalar as its text; the value shapes AWS wraps ids in as
     * the ids themselves (see {@link #flat}); any other object or list as compact JSON.
     */
    private static String show(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String flat = flat(node);
        return flat != null ? flat : node.toString();
    }

    /**
     * A value as a person reads it, or null when it has no short form. EC2's query API records every parameter the
     * way it came in its XML form, so a flow log id is {@code {"content": "fl-…", "tag": 1}} (the tag is the
     * parameter's position): such an object shows as its content. A {@code {"key": …, "values": [...]}} object
     * (Systems Manager's targets and the other APIs that pick resources by key) shows as {@code key=v1,v2}. A list
     * of such values or of scalars shows as {@code a, b}; an empty list shows as nothing, so the next alternative
     * is taken. Everything else stays JSON: only shapes whose meaning is their content are flattened.
     */
    private static String flat(JsonNode node) {
        if (node.isValueNode()) {
            return node.asText();
        }
        if (node.isArray()) {
            StringJoiner joined = new StringJoiner(", ");
            for (JsonNode element : node) {
                String one = element.isNull() ? null : flat(element);
                if (one == null) {
                    return null;
                }
                joined.add(one);
            }
            return joined.toString();
        }
        if (!node.isObject()) {
            return null;
        }
        JsonNode content = node.get("content");
        if (content != null && content.isValueNode() && (node.size() == 1 || node.size() == 2 && node.has("tag"))) {
            return content.asText();
        }
        JsonNode key = node.has("key") ? node.get("key") : node.get("Key");
        JsonNode values = node.has("values") ? node.get("values") : node.get("Values");
        if (node.size() == 2 && key != null && key.isTextual() && values != null && values.isArray()) {
            StringJoiner joined = new StringJoiner(",");
            for (JsonNode value : values) {
                if (!value.isValueNode() || value.isNull()) {
                    return null;
                }
                joined.add(value.asText());
            }
            return key.asText() + '=' + joined;
        }
        return null;
    }
}
