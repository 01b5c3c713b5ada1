package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a rule file's YAML into a {@link RuleSpec}, turning Jackson's errors into messages a rule author can act on:
 * the file, the key (with its path inside lists, {@code tests[0].expected}), its line, and a hint for the usual YAML
 * traps (unquoted {@code 4.10}, values starting with '{').
 */
final class RuleYaml {

    private static final ObjectMapper YAML = mapper();

    private RuleYaml() {
    }

    static RuleSpec read(String source, String yaml) {
        try {
            RuleSpec spec = YAML.readValue(yaml, RuleSpec.class);
            if (spec == null) {
                throw new RuleLoadException(source + ": the file is empty");
            }
            return spec;
        } catch (UnrecognizedPropertyException e) {
            throw new RuleLoadException(source + ": unknown key '" + where(e) + "' at line "
                    + lineOfKey(yaml, e.getPropertyName(), line(e)) + " (known keys here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")) + ")", e);
        } catch (JsonMappingException e) {
            throw new RuleLoadException(source + ": '" + where(e) + "' at line " + line(e) + ": "
                    + e.getOriginalMessage() + hint(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new RuleLoadException(source + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    private static String where(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * Where a key is written: Jackson reports unknown keys of records at the end of the object, so look for the first
     * line that starts with it instead (falling back to Jackson's line).
     */
    private static int lineOfKey(String yaml, String key, int fallback) {
        Matcher m = Pattern.compile("(?m)^[ \\t]*(?:- )?" + Pattern.quote(key) + "[ \\t]*:").matcher(yaml);
        return m.find() ? (int) yaml.substring(0, m.start()).lines().count() + 1 : fallback;
    }

    private static String hint(String message) {
        if (message.contains("Cannot coerce Float")) {
            return " (write it as quoted text, e.g. \"4.10\": YAML reads 4.10 as the number 4.1)";
        }
        if (message.contains("from Object value") || message.contains("from Array value")) {
            return " (quote text that starts with '{' or '[')";
        }
        return "";
    }

    private static int line(JsonMappingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }


    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        // `cis: 4.10` would silently become "4.1": scalars that YAML reads as decimals must be quoted in text fields.
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }
}
