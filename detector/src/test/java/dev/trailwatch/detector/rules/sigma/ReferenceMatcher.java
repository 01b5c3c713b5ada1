package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A second, deliberately plain reading of one Sigma value test, written from the specification and independent of
 * the engine's compiled matchers: every string test is one regular expression built from the value, fields are read
 * by walking the tree, CIDRs are compared as big integers. The generated conformance cases assert that the engine
 * agrees with it.
 */
final class ReferenceMatcher {

    private ReferenceMatcher() {
    }

    /** Whether {@code test}'s value number {@code index} (as written) holds for the record. */
    static boolean holds(FieldTest test, int index, JsonNode record) {
        List<String> mods = test.modifiers();
        List<JsonNode> values = values(record, test.field().name());
        return switch (test.mode()) {
            case EXISTS -> present(record, test.field().name());
            case ABSENT -> !present(record, test.field().name());
            case NULL -> values.stream().allMatch(JsonNode::isNull);
            case NONE -> values.stream().anyMatch(v -> !v.isNull()) && values.stream().noneMatch(v ->
                    java.util.stream.IntStream.range(0, test.raw().size()).anyMatch(i -> one(test, i, v, record)));
            default -> values.stream().anyMatch(v -> one(test, index, v, record));
        };
    }

    private static boolean one(FieldTest test, int index, JsonNode value, JsonNode record) {
        List<String> mods = test.modifiers();
        JsonNode rule = test.raw().get(index);
        if (value.isNull()) {
            return false;
        }
        String text = value.asText();
        String want = rule.asText();
        if (mods.contains("re")) {
            int flags = (mods.contains("i") ? Pattern.CASE_INSENSITIVE : 0) | (mods.contains("m") ? Pattern.MULTILINE : 0)
                    | (mods.contains("s") ? Pattern.DOTALL : 0);
            return Pattern.compile(want, flags).matcher(text).find();
        }
        if (mods.contains("cidr")) {
            return inNetwork(text, want);
        }
        for (String op : List.of("gt", "gte", "lt", "lte")) {
            if (mods.contains(op)) {
                BigDecimal v;
                try {
                    v = new BigDecimal(text.trim());
                } catch (NumberFormatException e) {
                    return false;
                }
                int c = v.compareTo(new BigDecimal(want));
                return op.equals("gt") ? c > 0 : op.equals("gte") ? c >= 0 : op.equals("lt") ? c < 0 : c <= 0;
            }
        }
        boolean cased = mods.contains("cased");
        boolean keyword = test.field().isKeyword() && !mods.contains("startswith") && !mods.contains("endswith");
        String before = keyword || mods.contains("contains") || mods.contains("endswith") ? ".*" : "";
        String after = keyword || mods.contains("contains") || mods.contains("startswith") ? ".*" : "";
        if (mods.contains("fieldref")) {
            for (JsonNode other : values(record, want)) {
                if (!other.isNull() && Pattern.compile(before + Pattern.quote(other.asText()) + after,
                        Pattern.DOTALL | (cased ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
                        .matcher(text).matches()) {
                    return true;
                }
            }
            return false;
        }
        if (mods.contains("base64")) {
            String encoded = Base64.getEncoder().encodeToString(want.getBytes(StandardCharsets.UTF_8));
            return Pattern.compile(before + Pattern.quote(encoded) + after, Pattern.DOTALL).matcher(text).matches();
        }
        if (rule.isNumber() && value.isNumber() && before.isEmpty() && after.isEmpty()) {
            return rule.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        String regex = before + glob(want, mods.contains("windash")) + after;
        return Pattern.compile(regex, Pattern.DOTALL | (cased ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
                .matcher(text).matches();
    }

    /** Sigma wildcards to a regular expression: the escapes as the specification lists them. */
    static String glob(String value, boolean windash) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && (value.charAt(i + 1) == '*' || value.charAt(i + 1) == '?'
                    || value.charAt(i + 1) == '\\')) {
                re.append(Pattern.quote(String.valueOf(value.charAt(++i))));
            } else if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (windash && "-/\u2013\u2014\u2015".indexOf(c) >= 0) {
                re.append("[-/\u2013\u2014\u2015]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    private static boolean inNetwork(String ip, String cidr) {
        try {
            if (!ip.matches("[0-9a-fA-F:.]+") || !(ip.contains(".") || ip.contains(":"))) {
                return false;
            }
            String[] parts = cidr.split("/");
            byte[] net = InetAddress.getByName(parts[0]).getAddress();
            byte[] addr = InetAddress.getByName(ip).getAddress();
            if (net.length != addr.length) {
                return false;
            }
            int bits = net.length * 8;
            int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : bits;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean present(JsonNode record, String field) {
        return !nodes(record, field).isEmpty();
    }

    /** Scalars at a dotted path, arrays stepped through, containers contributing their scalars; "" = whole record. */
    static List<JsonNode> values(JsonNode record, String field) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode node : nodes(record, field)) {
            scalars(node, out);
        }
        return out;
    }

    private static List<JsonNode> nodes(JsonNode record, String field) {
        List<JsonNode> level = new ArrayList<>(List.of(record));
        if (field.isEmpty()) {
            return level;
        }
        for (String step : field.split("\\.")) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : level) {
                List<JsonNode> expanded = new ArrayList<>();
                flattenArrays(node, expanded);
                for (JsonNode n : expanded) {
                    if (n.isObject() && n.has(step)) {
                        next.add(n.get(step));
                    }
                }
            }
            level = next;
        }
        return level;
    }

    private static void flattenArrays(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            node.forEach(n -> flattenArrays(n, out));
        } else {
            out.add(node);
        }
    }

    private static void scalars(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            node.forEach(n -> scalars(n, out));
        } else {
            out.add(node);
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
