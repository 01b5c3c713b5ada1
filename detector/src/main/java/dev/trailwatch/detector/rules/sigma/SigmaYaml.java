package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Sigma file's YAML documents ({@code ---} separates the rules of a correlation file) into trees, remembering
 * the line of every key so that a refusal can say where the problem is.
 *
 * <p>Sigma tools read YAML with PyYAML, where a repeated key silently wins over the first. A repeated key with the
 * same value (SigmaHQ's {@code aws_ec2_vm_export_failure.yml} has {@code level: low} twice) is accepted with a
 * warning; a repeated key with a different value is refused, because one of the two would be silently ignored.
 */
final class SigmaYaml {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One YAML document: its tree, the line of each key path, and warnings about it. */
    record Document(int index, JsonNode root, Map<String, Integer> lines, List<String> warnings) {

        int line(String path) {
            return lines.getOrDefault(path, 0);
        }
    }

    private SigmaYaml() {
    }

    /** Every document of the file; a YAML syntax error throws with the line in the message. */
    static List<Document> read(String yaml) {
        List<Document> out = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(yaml)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                Map<String, Integer> lines = new HashMap<>();
                List<String> warnings = new ArrayList<>();
                JsonNode root = value(parser, token, "", lines, warnings);
                out.add(new Document(out.size() + 1, root, lines, warnings));
            }
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                    ? p.getLocation().getLineNr() : 0;
            throw new SigmaException("", "not valid YAML" + (line > 0 ? " at line " + line : "") + ": " + message, e);
        }
        return out;
    }

    private static JsonNode value(JsonParser p, JsonToken token, String path, Map<String, Integer> lines,
                                  List<String> warnings) throws IOException {
        return switch (token) {
            case START_OBJECT -> object(p, path, lines, warnings);
            case START_ARRAY -> array(p, path, lines, warnings);
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> NODES.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new SigmaException(path, "unexpected YAML content " + token);
        };
    }

    private static ObjectNode object(JsonParser p, String path, Map<String, Integer> lines, List<String> warnings)
            throws IOException {
        ObjectNode node = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            int line = p.currentTokenLocation().getLineNr();
            JsonNode child = value(p, p.nextToken(), keyPath, lines, warnings);
            JsonNode before = node.get(key);
            if (before != null) {
                if (!before.equals(child)) {
                    throw new SigmaException(keyPath, "key '" + key + "' is given twice (lines " + lines.get(keyPath)
                            + " and " + line + ") with different values; YAML keeps only one of them");
                }
                warnings.add(keyPath + ": key given twice with the same value (lines " + lines.get(keyPath) + " and "
                        + line + ")");
                continue;
            }
            lines.put(keyPath, line);
            node.set(key, child);
        }
        return node;
    }

    private static ArrayNode array(JsonParser p, String path, Map<String, Integer> lines, List<String> warnings)
            throws IOException {
        ArrayNode node = NODES.arrayNode();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            String itemPath = path + "[" + node.size() + "]";
            lines.putIfAbsent(itemPath, p.currentTokenLocation().getLineNr());
            node.add(value(p, token, itemPath, lines, warnings));
        }
        return node;
    }
}
