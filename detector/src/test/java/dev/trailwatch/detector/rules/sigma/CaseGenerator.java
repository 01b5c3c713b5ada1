package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Derives CloudTrail records from a Sigma rule's own logic. The condition and its selections become one boolean
 * formula over value tests, in disjunctive normal form; for each way the rule can match (a term), it builds a record
 * that makes exactly that term true, then one record per test of the term with that test flipped (violating a
 * selection, or hitting a filter), plus the term with every string in swapped case. Whether each record should match
 * is not assumed: {@link ReferenceMatcher} decides every test on the final record, and the formula is evaluated
 * over those answers. The engine must agree on every record.
 */
final class CaseGenerator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_TERMS = 64;

    /** One value test: a field test and which of its values (0 for tests without values). */
    record Atom(FieldTest test, int index) {
        boolean holds(JsonNode record) {
            return ReferenceMatcher.holds(test, index, record);
        }

        String describe() {
            return test.path() + (test.raw().size() > 1 ? "[" + index + "]" : "") + " " + test.mode()
                    + (test.raw().isEmpty() ? "" : " " + test.raw().get(index));
        }
    }

    record Literal(Atom atom, boolean positive) {
    }

    /** A generated record, how it was made, and whether the rule (by the reference reading) matches it. */
    record Case(String name, ObjectNode record, boolean expected) {
    }

    private sealed interface Formula permits Lit, All, Any, Neg {
    }

    private record Lit(Atom atom) implements Formula {
    }

    private record All(List<Formula> parts) implements Formula {
    }

    private record Any(List<Formula> parts) implements Formula {
    }

    private record Neg(Formula inner) implements Formula {
    }

    private final Formula formula;

    CaseGenerator(SigmaRule rule) {
        this.formula = formula(rule.conditionTree());
    }

    /** Whether the rule matches the record, by the reference reading of each test. */
    boolean expected(JsonNode record) {
        return eval(formula, record);
    }

    List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case("the neutral base record", SigmaEvents.base(), expected(SigmaEvents.base())));
        List<List<Literal>> terms = dnf(nnf(formula, true));
        for (int t = 0; t < terms.size(); t++) {
            List<Literal> term = terms.get(t);
            String name = "path " + (t + 1) + "/" + terms.size();
            add(out, name + ": every test as the path needs it", term, false);
            add(out, name + ": in swapped case", term, true);
            for (int i = 0; i < term.size(); i++) {
                List<Literal> flipped = new ArrayList<>(term);
                Literal lit = term.get(i);
                flipped.set(i, new Literal(lit.atom(), !lit.positive()));
                add(out, name + ": " + (lit.positive() ? "violating " : "hitting ") + lit.atom().describe(), flipped,
                        false);
            }
        }
        return out;
    }

    private void add(List<Case> out, String name, List<Literal> term, boolean swapCase) {
        ObjectNode record = build(term, swapCase);
        if (record != null) {
            out.add(new Case(name, record, expected(record)));
        }
    }

    // --- the formula ------------------------------------------------------------------------------------------

    private static Formula formula(Cond cond) {
        if (cond instanceof Cond.Ref ref) {
            return formula(ref.search());
        }
        if (cond instanceof Cond.Not not) {
            return new Neg(formula(not.inner()));
        }
        if (cond instanceof Cond.And and) {
            return new All(and.parts().stream().map(CaseGenerator::formula).toList());
        }
        return new Any(((Cond.Or) cond).parts().stream().map(CaseGenerator::formula).toList());
    }

    private static Formula formula(Search search) {
        if (search instanceof Search.AllOf all) {
            return new All(all.parts().stream().map(CaseGenerator::formula).toList());
        }
        if (search instanceof Search.AnyOf any) {
            return new Any(any.parts().stream().map(CaseGenerator::formula).toList());
        }
        FieldTest test = (FieldTest) search;
        if (test.mode() == FieldTest.Mode.ANY || test.mode() == FieldTest.Mode.ALL) {
            List<Formula> atoms = new ArrayList<>();
            for (int i = 0; i < test.raw().size(); i++) {
                atoms.add(new Lit(new Atom(test, i)));
            }
            return test.mode() == FieldTest.Mode.ANY ? new Any(atoms) : new All(atoms);
        }
        return new Lit(new Atom(test, 0));
    }

    private static boolean eval(Formula f, JsonNode record) {
        if (f instanceof Lit lit) {
            return lit.atom().holds(record);
        }
        if (f instanceof Neg neg) {
            return !eval(neg.inner(), record);
        }
        if (f instanceof All all) {
            return all.parts().stream().allMatch(p -> eval(p, record));
        }
        return ((Any) f).parts().stream().anyMatch(p -> eval(p, record));
    }

    /** Negations pushed down to the tests. */
    private static Formula nnf(Formula f, boolean positive) {
        if (f instanceof Lit) {
            return positive ? f : new Neg(f);
        }
        if (f instanceof Neg neg) {
            return nnf(neg.inner(), !positive);
        }
        List<Formula> parts = (f instanceof All all ? all.parts() : ((Any) f).parts()).stream()
                .map(p -> nnf(p, positive)).toList();
        return (f instanceof All) == positive ? new All(parts) : new Any(parts);
    }

    private static List<List<Literal>> dnf(Formula f) {
        if (f instanceof Lit lit) {
            return List.of(List.of(new Literal(lit.atom(), true)));
        }
        if (f instanceof Neg neg) {
            return List.of(List.of(new Literal(((Lit) neg.inner()).atom(), false)));
        }
        if (f instanceof Any any) {
            List<List<Literal>> out = new ArrayList<>();
            any.parts().forEach(p -> out.addAll(dnf(p)));
            return out.subList(0, Math.min(out.size(), MAX_TERMS));
        }
        List<List<Literal>> out = List.of(List.of());
        for (Formula part : ((All) f).parts()) {
            List<List<Literal>> next = new ArrayList<>();
            for (List<Literal> left : out) {
                for (List<Literal> right : dnf(part)) {
                    List<Literal> term = new ArrayList<>(left);
                    term.addAll(right);
                    if (next.size() < MAX_TERMS && consistent(term)) {
                        next.add(term);
                    }
                }
            }
            out = next;
        }
        return out;
    }

    private static boolean consistent(List<Literal> term) {
        for (Literal a : term) {
            for (Literal b : term) {
                if (a.atom().equals(b.atom()) && a.positive() != b.positive()) {
                    return false;
                }
            }
        }
        return true;
    }

    // --- building records -----------------------------------------------------------------------------------

    /** A record where each literal of the term has its polarity, or null when this generator cannot make one. */
    private static ObjectNode build(List<Literal> term, boolean swapCase) {
        ObjectNode record = SigmaEvents.base();
        Map<String, List<Literal>> byField = new LinkedHashMap<>();
        for (Literal lit : term) {
            byField.computeIfAbsent(lit.atom().test().field().name(), k -> new ArrayList<>()).add(lit);
        }
        for (Map.Entry<String, List<Literal>> group : byField.entrySet()) {
            ObjectNode chosen = null;
            for (Consumer<ObjectNode> candidate : candidates(group.getKey(), group.getValue(), swapCase)) {
                ObjectNode copy = record.deepCopy();
                candidate.accept(copy);
                if (isRecord(copy) && group.getValue().stream().allMatch(l -> l.atom().holds(copy) == l.positive())) {
                    chosen = copy;
                    break;
                }
            }
            if (chosen == null) {
                return null;
            }
            record = chosen;
        }
        return record;
    }

    /** What the detector requires of a record (else it is a dead letter, not an event a rule sees). */
    private static boolean isRecord(ObjectNode record) {
        return List.of("eventID", "eventTime", "eventName", "eventSource").stream()
                .allMatch(f -> record.path(f).isTextual() && !record.path(f).asText().isEmpty());
    }

    private static List<Consumer<ObjectNode>> candidates(String field, List<Literal> lits, boolean swapCase) {
        List<Consumer<ObjectNode>> out = new ArrayList<>();
        List<String> joined = new ArrayList<>();
        for (Literal lit : lits) {
            if (lit.positive()) {
                out.addAll(witnesses(lit.atom(), swapCase, joined));
            }
        }
        if (joined.size() > 1) {
            out.add(0, r -> set(r, field, NODES.textNode(String.join(" ", joined))));
        }
        out.add(r -> remove(r, field));
        out.add(r -> set(r, field, NODES.textNode("trailwatch-other-value")));
        out.add(r -> set(r, field, NODES.nullNode()));
        out.add(r -> { });
        return out;
    }

    /** Ways to make the atom true; string witnesses are also added to {@code joined} (for |all). */
    private static List<Consumer<ObjectNode>> witnesses(Atom atom, boolean swapCase, List<String> joined) {
        FieldTest test = atom.test();
        String field = test.field().isKeyword() ? "requestParameters.generatedKeyword" : test.field().name();
        List<String> mods = test.modifiers();
        switch (test.mode()) {
            case EXISTS:
                return List.of(r -> set(r, field, NODES.textNode("present")));
            case ABSENT:
            case NULL:
                return List.of(r -> remove(r, field), r -> set(r, field, NODES.nullNode()));
            case NONE:
                return List.of(r -> set(r, field, NODES.textNode("trailwatch-different-value")));
            default:
                break;
        }
        JsonNode raw = test.raw().get(atom.index());
        String value = raw.asText();
        if (mods.contains("fieldref")) {
            return List.of(r -> {
                set(r, value, NODES.textNode("shared-value"));
                set(r, field, NODES.textNode("shared-value"));
            });
        }
        String text;
        if (mods.contains("re")) {
            text = RegexWitness.of(value);
        } else if (mods.contains("cidr")) {
            text = value.replaceFirst("/.*", "");
        } else if (mods.stream().anyMatch(m -> List.of("gt", "gte", "lt", "lte").contains(m))) {
            BigDecimal bound = new BigDecimal(value);
            BigDecimal n = mods.contains("gt") ? bound.add(BigDecimal.ONE)
                    : mods.contains("lt") ? bound.subtract(BigDecimal.ONE) : bound;
            return List.of(r -> set(r, field, NODES.numberNode(n)), r -> set(r, field, NODES.textNode(n.toString())));
        } else if (mods.contains("base64")) {
            text = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        } else {
            text = unglob(value);
            if (swapCase && !mods.contains("cased")) {
                text = swap(text);
            }
        }
        boolean keyword = test.field().isKeyword();
        String placed = (mods.contains("contains") || mods.contains("endswith") || keyword ? "prefix " : "")
                + text + (mods.contains("contains") || mods.contains("startswith") || keyword ? " suffix" : "");
        joined.add(placed);
        List<Consumer<ObjectNode>> out = new ArrayList<>();
        out.add(r -> set(r, field, NODES.textNode(placed)));
        if (raw.isNumber()) {
            out.add(r -> set(r, field, NODES.numberNode(raw.decimalValue())));
        }
        if ("true".equals(placed) || "false".equals(placed)) {
            out.add(r -> set(r, field, NODES.booleanNode(Boolean.parseBoolean(placed))));
        }
        return out;
    }

    /** A string a Sigma wildcard value matches: escapes resolved, {@code *} empty, {@code ?} one letter. */
    static String unglob(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && "*?\\".indexOf(value.charAt(i + 1)) >= 0) {
                out.append(value.charAt(++i));
            } else if (c == '?') {
                out.append('q');
            } else if (c != '*') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String swap(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return out.toString();
    }

    static void set(ObjectNode record, String path, JsonNode value) {
        String[] steps = path.split("\\.");
        ObjectNode node = record;
        for (int i = 0; i < steps.length - 1; i++) {
            JsonNode next = node.get(steps[i]);
            if (next == null || !next.isObject()) {
                next = node.putObject(steps[i]);
            }
            node = (ObjectNode) next;
        }
        node.set(steps[steps.length - 1], value);
    }

    static void remove(ObjectNode record, String path) {
        String[] steps = path.split("\\.");
        JsonNode node = record;
        for (int i = 0; i < steps.length - 1 && node != null; i++) {
            node = node.get(steps[i]);
        }
        if (node instanceof ObjectNode parent) {
            parent.remove(steps[steps.length - 1]);
        }
    }
}
