package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small readers of CloudTrail's free-form request fields, shared by the matchers. None of them throws. */
final class RequestFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestFields() {
    }

    /** A field's text, or null when it is missing, null or not a scalar. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /** True for the JSON boolean {@code true} and the string {@code "true"} (either case). */
    static boolean isTrue(JsonNode node) {
        return node.isBoolean() ? node.booleanValue() : node.isTextual() && node.textValue().equalsIgnoreCase("true");
    }

    /** True for the JSON boolean {@code false} and the string {@code "false"} (either case). */
    static boolean isFalse(JsonNode node) {
        return node.isBoolean() ? !node.booleanValue() : node.isTextual() && node.textValue().equalsIgnoreCase("false");
    }

    /** The elements of an array, or the node itself when it is a single object or value; empty when missing. */
    static List<JsonNode> items(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node);
        }
        return out;
    }

    /**
     * A JSON document CloudTrail logs either as an object or as a string holding JSON (IAM and SNS policies, some
     * of them URL-encoded); a missing node when it is neither.
     */
    static JsonNode document(JsonNode node) {
        if (node.isObject()) {
            return node;
        }
        if (!node.isTextual()) {
            return MissingNode.getInstance();
        }
        String text = node.textValue().trim();
        if (text.startsWith("%7B") || text.startsWith("%7b")) {
            text = URLDecoder.decode(text, StandardCharsets.UTF_8);
        }
        try {
            JsonNode parsed = JSON.readTree(text);
            return parsed != null && parsed.isObject() ? parsed : MissingNode.getInstance();
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** Every {@code key: value} pair in a tree whose lower-cased key starts with {@code prefix}. */
    static void collect(JsonNode node, String prefix, List<Map.Entry<String, JsonNode>> out) {
        if (node.isObject()) {
            node.properties().forEach(p -> {
                if (p.getKey().toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    out.add(Map.entry(p.getKey(), p.getValue()));
                }
                collect(p.getValue(), prefix, out);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, prefix, out));
        }
    }

    /** An evidence map from key/value pairs, in order, leaving out null values. */
    static Map<String, Object> evidence(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                out.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return out;
    }

    /** The user a call acts on when that is not the caller itself: {@code requestParameters.userName}, else null. */
    static String otherUserTargeted(CloudTrailEvent event) {
        String target = text(event.requestParameters(), "userName");
        if (target == null || target.isBlank()) {
            return null;
        }
        boolean callerIsThatUser = "IAMUser".equals(event.userIdentity().type())
                && target.equals(event.userIdentity().userName());
        return callerIsThatUser ? null : target;
    }
}
