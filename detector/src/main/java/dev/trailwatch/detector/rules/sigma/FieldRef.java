package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Sigma field name as SigmaHQ writes it for CloudTrail, {@code userIdentity.sessionContext.sessionIssuer.type}:
 * dots step into nested objects. Arrays on the way are stepped through element by element
 * ({@code requestParameters.containerDefinitions.command} reads the command of every container definition), so a
 * field can have several values; a value that is itself an array or object contributes every scalar inside it. A
 * keyword search (no field) reads every scalar of the whole record.
 *
 * @param name  the field as written, or empty for the whole record (keyword search)
 * @param steps the keys, in order
 */
record FieldRef(String name, List<String> steps) {

    FieldRef {
        steps = List.copyOf(steps);
    }

    static FieldRef of(String name) {
        return new FieldRef(name, name.isEmpty() ? List.of() : List.of(name.split("\\.", -1)));
    }

    boolean isKeyword() {
        return steps.isEmpty();
    }

    /** The selector the project's filter patterns use for this field ({@code $.a.b}). */
    String selector() {
        return "$." + name;
    }

    /** The values at this field, as scalars (JSON null included); empty when the field is absent. */
    List<JsonNode> values(JsonNode root) {
        List<JsonNode> nodes = new ArrayList<>();
        collect(root, 0, nodes);
        List<JsonNode> scalars = new ArrayList<>(nodes.size());
        for (JsonNode node : nodes) {
            leaves(node, scalars);
        }
        return scalars;
    }

    /** Whether the field is in the record at all (a JSON null counts as present). */
    boolean present(JsonNode root) {
        List<JsonNode> nodes = new ArrayList<>();
        collect(root, 0, nodes);
        return !nodes.isEmpty();
    }

    private void collect(JsonNode node, int step, List<JsonNode> out) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        if (step == steps.size()) {
            out.add(node);
            return;
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                collect(element, step, out);
            }
        } else if (node.isObject()) {
            collect(node.get(steps.get(step)), step + 1, out);
        }
    }

    private static void leaves(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                leaves(child, out);
            }
        } else {
            out.add(node);
        }
    }
}
