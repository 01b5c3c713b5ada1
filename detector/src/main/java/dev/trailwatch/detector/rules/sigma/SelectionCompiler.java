package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the body of a search identifier (a map, a list of maps, keywords) and its {@code field|modifier} keys
 * into {@link Search} nodes, refusing with the key path whatever the specification forbids or TrailWatch does not run
 * ({@code |expand} placeholders). The modifiers and their combinations are in docs/sigma.md.
 */
final class SelectionCompiler {

    static final Set<String> MODIFIERS = Set.of("contains", "startswith", "endswith", "all", "cased", "windash", "re",
            "i", "m", "s", "cidr", "exists", "fieldref", "gt", "gte", "lt", "lte", "neq", "base64", "base64offset",
            "utf16le", "utf16be", "utf16", "wide", "expand", "minute", "hour", "day", "week", "month", "year");
    private static final Set<String> PLACEMENT = Set.of("contains", "startswith", "endswith");
    private static final Set<String> NUMERIC = Set.of("gt", "gte", "lt", "lte");
    private static final Set<String> UTF16 = Set.of("utf16le", "utf16be", "utf16", "wide");

    private SelectionCompiler() {
    }

    static Search search(JsonNode body, String path) {
        if (body.isObject()) {
            if (body.isEmpty()) {
                throw new SigmaException(path, "a selection must not be empty");
            }
            List<Search> parts = new ArrayList<>();
            body.fields().forEachRemaining(e -> parts.add(field(e.getKey(), e.getValue(), path + "." + e.getKey())));
            return parts.size() == 1 ? parts.get(0) : new Search.AllOf(parts);
        }
        if (body.isArray()) {
            if (body.isEmpty()) {
                throw new SigmaException(path, "a selection must not be an empty list");
            }
            boolean maps = body.get(0).isObject();
            List<Search> parts = new ArrayList<>();
            for (int i = 0; i < body.size(); i++) {
                JsonNode item = body.get(i);
                if (item.isObject() != maps || item.isArray() || item.isNull()) {
                    throw new SigmaException(path + "[" + i + "]", "a list must hold either maps (OR of selections)"
                            + " or keywords (strings), not both, nor lists or nulls");
                }
            }
            if (!maps) {
                return field("", body, path);
            }
            for (int i = 0; i < body.size(); i++) {
                parts.add(search(body.get(i), path + "[" + i + "]"));
            }
            return parts.size() == 1 ? parts.get(0) : new Search.AnyOf(parts);
        }
        if (body.isNull()) {
            throw new SigmaException(path, "a selection must be a map, a list of maps or keywords, not null");
        }
        return field("", body, path);
    }

    /** One {@code field|mod|mod: value(s)} entry; a key without a field ({@code '|all'}) is a keyword search. */
    static FieldTest field(String key, JsonNode value, String path) {
        String[] parts = key.split("\\|", -1);
        FieldRef field = FieldRef.of(parts[0]);
        List<String> mods = List.of(parts).subList(1, parts.length);
        checkKnown(mods, path);
        checkField(parts[0], path);
        Set<String> set = new LinkedHashSet<>(mods);
        if (set.size() != mods.size()) {
            throw new SigmaException(path, "a modifier is repeated in '" + key + "'");
        }
        if (set.contains("expand")) {
            throw SigmaException.unsupported(path, "|expand placeholders need values from a source TrailWatch does"
                    + " not have (the specification says a tool that cannot fill them must reject the rule)");
        }
        List<JsonNode> values = values(value, path);
        if (set.contains("exists")) {
            return exists(key, path, field, set, values);
        }
        if (values.size() == 1 && values.get(0).isNull()) {
            if (!set.isEmpty() || field.isKeyword()) {
                throw new SigmaException(path, "null is only a value of a plain field (field: null), not with modifiers");
            }
            return new FieldTest(key, path, field, FieldTest.Mode.NULL, List.of(), values);
        }
        if (values.stream().anyMatch(JsonNode::isNull)) {
            throw new SigmaException(path, "null cannot be part of a list of values (write it as its own selection)");
        }
        FieldTest.Mode mode = mode(set, values, path);
        List<ValueMatcher> compiled = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String at = values.size() == 1 && !value.isArray() ? path : path + "[" + i + "]";
            compiled.addAll(compile(set, field, values.get(i), at));
        }
        return new FieldTest(key, path, field, mode, compiled, values);
    }

    private static void checkKnown(List<String> mods, String path) {
        for (String mod : mods) {
            if (!MODIFIERS.contains(mod)) {
                throw SigmaException.unsupported(path, "unknown modifier '" + mod + "' (supported: "
                        + String.join(", ", MODIFIERS.stream().sorted().toList()) + ")");
            }
        }
    }

    private static void checkField(String name, String path) {
        if (!name.isEmpty() && (name.startsWith(".") || name.endsWith(".") || name.contains(".."))) {
            throw new SigmaException(path, "field name '" + name + "' has an empty step between dots");
        }
    }

    private static List<JsonNode> values(JsonNode value, String path) {
        List<JsonNode> out = new ArrayList<>();
        if (value.isArray()) {
            if (value.isEmpty()) {
                throw new SigmaException(path, "an empty list of values can never match");
            }
            value.forEach(out::add);
        } else {
            out.add(value);
        }
        for (JsonNode v : out) {
            if (v.isContainerNode()) {
                throw new SigmaException(path, "a value must be a string, number, boolean or null, not a "
                        + (v.isArray() ? "list" : "map"));
            }
        }
        return out;
    }

    private static FieldTest exists(String key, String path, FieldRef field, Set<String> set, List<JsonNode> values) {
        if (set.size() != 1 || field.isKeyword()) {
            throw new SigmaException(path, "|exists takes a field and no other modifier");
        }
        JsonNode v = values.get(0);
        boolean flag = v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText());
        if (values.size() != 1 || !(v.isBoolean() || v.asText().equalsIgnoreCase("true")
                || v.asText().equalsIgnoreCase("false"))) {
            throw new SigmaException(path, "|exists takes one value, true or false");
        }
        return new FieldTest(key, path, field, flag ? FieldTest.Mode.EXISTS : FieldTest.Mode.ABSENT, List.of(),
                values);
    }

    private static FieldTest.Mode mode(Set<String> set, List<JsonNode> values, String path) {
        if (set.contains("all") && set.contains("neq")) {
            throw new SigmaException(path, "|all and |neq do not combine");
        }
        if (set.contains("all")) {
            if (values.size() < 2) {
                throw new SigmaException(path, "|all needs a list of at least two values (the specification forbids"
                        + " it on a single value)");
            }
            return FieldTest.Mode.ALL;
        }
        return set.contains("neq") ? FieldTest.Mode.NONE : FieldTest.Mode.ANY;
    }

    /** The matchers one rule value becomes (base64offset makes three). */
    private static List<ValueMatcher> compile(Set<String> set, FieldRef field, JsonNode value, String path) {
        long placements = set.stream().filter(PLACEMENT::contains).count();
        if (placements > 1) {
            throw new SigmaException(path, "only one of |contains, |startswith, |endswith may be used");
        }
        boolean lead = set.contains("contains") || set.contains("endswith");
        boolean trail = set.contains("contains") || set.contains("startswith");
        if (field.isKeyword() && placements == 0 && !set.contains("re")) {
            lead = true;
            trail = true;
        }
        boolean cased = set.contains("cased");
        String text = value.asText();
        if (set.contains("re")) {
            only(set, path, "re", Set.of("re", "i", "m", "s", "all", "neq", "cased"));
            return List.of(regex(set, text, path));
        }
        for (String flag : List.of("i", "m", "s")) {
            if (set.contains(flag)) {
                throw new SigmaException(path, "|" + flag + " is a sub-modifier of |re and needs it");
            }
        }
        if (set.contains("cidr")) {
            only(set, path, "cidr", Set.of("cidr", "all", "neq"));
            try {
                return List.of(ValueMatcher.Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new SigmaException(path, "|cidr: " + e.getMessage(), e);
            }
        }
        ValueMatcher.TimePart part = timePart(set, path);
        String op = numericOp(set, path);
        if (op != null || part != null) {
            only(set, path, "gt/gte/lt/lte and time", union(NUMERIC, ValueMatcher.TimePart.NAMES,
                    Set.of("all", "neq")));
            BigDecimal bound = number(value, path);
            return List.of(new ValueMatcher.Compare(op == null ? "eq" : op, bound, part));
        }
        if (set.contains("fieldref")) {
            only(set, path, "fieldref", union(PLACEMENT, Set.of("fieldref", "cased", "all", "neq")));
            checkField(text, path);
            if (text.isEmpty()) {
                throw new SigmaException(path, "|fieldref needs the name of a field");
            }
            return List.of(new ValueMatcher.FieldEquals(FieldRef.of(text), lead, trail, cased));
        }
        if (set.contains("base64") || set.contains("base64offset") || set.stream().anyMatch(UTF16::contains)) {
            only(set, path, "base64/utf16", union(PLACEMENT, UTF16, Set.of("base64", "base64offset", "all", "neq",
                    "cased")));
            if (set.contains("base64") && set.contains("base64offset")) {
                throw new SigmaException(path, "|base64 and |base64offset do not combine");
            }
            return Encodings.matchers(set, text, lead, trail, cased);
        }
        BigDecimal number = value.isNumber() && placements == 0 ? value.decimalValue() : null;
        StringPattern pattern = placements == 0 && !field.isKeyword()
                ? StringPattern.of(text, cased, set.contains("windash"))
                : StringPattern.placed(text, lead, trail, cased, set.contains("windash"));
        return List.of(new ValueMatcher.Text(pattern, number));
    }

    private static ValueMatcher regex(Set<String> set, String text, String path) {
        int flags = (set.contains("i") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0)
                | (set.contains("m") ? Pattern.MULTILINE : 0) | (set.contains("s") ? Pattern.DOTALL : 0);
        try {
            return ValueMatcher.Regex.of(Pattern.compile(text, flags));
        } catch (PatternSyntaxException e) {
            throw new SigmaException(path, "|re: not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + " of '" + text + "'", e);
        }
    }

    private static ValueMatcher.TimePart timePart(Set<String> set, String path) {
        List<String> parts = set.stream().filter(ValueMatcher.TimePart.NAMES::contains).toList();
        if (parts.size() > 1) {
            throw new SigmaException(path, "only one time modifier may be used, not " + parts);
        }
        return parts.isEmpty() ? null : ValueMatcher.TimePart.valueOf(parts.get(0).toUpperCase(java.util.Locale.ROOT));
    }

    private static String numericOp(Set<String> set, String path) {
        List<String> ops = set.stream().filter(NUMERIC::contains).toList();
        if (ops.size() > 1) {
            throw new SigmaException(path, "only one of |gt, |gte, |lt, |lte may be used, not " + ops);
        }
        return ops.isEmpty() ? null : ops.get(0);
    }

    private static BigDecimal number(JsonNode value, String path) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        try {
            return new BigDecimal(value.asText().trim());
        } catch (NumberFormatException e) {
            throw new SigmaException(path, "numeric modifiers need a number, not '" + value.asText() + "'", e);
        }
    }

    private static void only(Set<String> set, String path, String what, Set<String> allowed) {
        for (String mod : set) {
            if (!allowed.contains(mod)) {
                throw new SigmaException(path, "|" + mod + " does not combine with |" + what.replace("/", "/|"));
            }
        }
    }

    @SafeVarargs
    private static Set<String> union(java.util.Collection<String>... sets) {
        Set<String> out = new LinkedHashSet<>();
        for (java.util.Collection<String> s : sets) {
            out.addAll(s);
        }
        return out;
    }
}
