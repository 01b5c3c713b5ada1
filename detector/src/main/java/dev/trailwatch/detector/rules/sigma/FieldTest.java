package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code field|modifiers: value(s)} entry of a selection, compiled. How the field's values (see {@link FieldRef})
 * meet the rule's values depends on the mode:
 * <ul>
 *   <li>{@link Mode#ANY}: some rule value matches some field value (a value list is OR);</li>
 *   <li>{@link Mode#ALL} ({@code |all}): every rule value matches some field value;</li>
 *   <li>{@link Mode#NONE} ({@code |neq}): the field has a value and no rule value matches any of its values;</li>
 *   <li>{@link Mode#NULL} ({@code field: null}): the field is absent or JSON null;</li>
 *   <li>{@link Mode#EXISTS} / {@link Mode#ABSENT} ({@code |exists: true/false}): the field is (not) in the
 *       record, whatever its value.</li>
 * </ul>
 *
 * @param key    the key as written ({@code userIdentity.arn|re}), for messages and docs
 * @param path   the key path in the rule file ({@code detection.selection.userIdentity.arn|re})
 * @param field  the field read
 * @param mode   how the values combine
 * @param values the compiled rule values (empty for NULL, EXISTS, ABSENT)
 * @param raw    the rule's values as written (for docs, and tests that derive events from the rule)
 * @param typed  whether the test reads only fields the event's typed fields hold exactly (its own and any
 *               {@code fieldref} target), so that it needs no tree
 */
record FieldTest(String key, String path, FieldRef field, Mode mode, List<ValueMatcher> values, List<JsonNode> raw,
                 boolean typed) implements Search {

    enum Mode { ANY, ALL, NONE, NULL, EXISTS, ABSENT }

    FieldTest {
        values = List.copyOf(values);
        raw = List.copyOf(raw);
    }

    /** The modifiers as written after the field name ({@code contains}, {@code all}, ...). */
    List<String> modifiers() {
        String[] parts = key.split("\\|", -1);
        return List.of(parts).subList(1, parts.length);
    }

    FieldTest(String key, String path, FieldRef field, Mode mode, List<ValueMatcher> values, List<JsonNode> raw) {
        this(key, path, field, mode, values, raw, readsTypedFields(field, values));
    }

    private static boolean readsTypedFields(FieldRef field, List<ValueMatcher> values) {
        if (field.isKeyword() || !CloudTrailEvent.TYPED_PATHS.contains(field.selector())) {
            return false;
        }
        return values.stream().allMatch(v -> !(v instanceof ValueMatcher.FieldEquals ref)
                || CloudTrailEvent.TYPED_PATHS.contains(ref.other().selector()));
    }

    @Override
    public boolean matches(EventView view) {
        JsonNode root = typed() ? view.typed() : view.full();
        return switch (mode) {
            case EXISTS -> field.present(root);
            case ABSENT -> !field.present(root);
            case NULL -> field.values(root).stream().allMatch(JsonNode::isNull);
            case ANY -> any(field.values(root), root);
            case ALL -> all(field.values(root), root);
            case NONE -> {
                List<JsonNode> found = field.values(root);
                yield found.stream().anyMatch(v -> !v.isNull()) && !any(found, root);
            }
        };
    }

    @Override
    public void forEachTest(Consumer<FieldTest> visitor) {
        visitor.accept(this);
    }

    private boolean any(List<JsonNode> found, JsonNode root) {
        for (ValueMatcher value : values) {
            for (JsonNode v : found) {
                if (value.test(v, root)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean all(List<JsonNode> found, JsonNode root) {
        for (ValueMatcher value : values) {
            boolean hit = false;
            for (JsonNode v : found) {
                if (value.test(v, root)) {
                    hit = true;
                    break;
                }
            }
            if (!hit) {
                return false;
            }
        }
        return true;
    }
}
