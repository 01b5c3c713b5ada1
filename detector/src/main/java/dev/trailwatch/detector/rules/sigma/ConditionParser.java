package dev.trailwatch.detector.rules.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Sigma condition into a {@link Cond} over the rule's search identifiers. Precedence, least to most binding,
 * as the specification lists it: {@code or}, {@code and}, {@code not}, {@code x of}, parentheses. Keywords are
 * case-insensitive. {@code 1 of} (also {@code any of}) and {@code all of} take a search-identifier pattern with
 * {@code *} wildcards or {@code them} (every identifier not starting with {@code _}).
 *
 * <p>Refused: the legacy aggregations ({@code | count() by x > 5}, {@code near}), which correlation rules replaced;
 * an identifier the detection does not define; a pattern no identifier matches.
 */
final class ConditionParser {

    private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|\\||[A-Za-z0-9_*.\\-]+|\\S)");

    private final String text;
    private final String path;
    private final Map<String, Search> searches;
    private final List<String> tokens = new ArrayList<>();
    private final List<Integer> columns = new ArrayList<>();
    private int pos;

    private ConditionParser(String text, String path, Map<String, Search> searches) {
        this.text = text;
        this.path = path;
        this.searches = searches;
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            tokens.add(m.group(1));
            columns.add(m.start(1) + 1);
            at = m.end();
        }
        if (!text.substring(at).isBlank()) {
            throw new SigmaException(path, "cannot read the condition at column " + (at + 1) + ": '" + text + "'");
        }
    }

    /** Parses one condition; {@code searches} maps each identifier to its compiled body, in file order. */
    static Cond parse(String text, String path, Map<String, Search> searches) {
        ConditionParser parser = new ConditionParser(text, path, searches);
        if (parser.tokens.isEmpty()) {
            throw new SigmaException(path, "the condition is empty");
        }
        int pipe = parser.tokens.indexOf("|");
        if (pipe >= 0) {
            throw SigmaException.unsupported(path, "the legacy aggregation after '|' (column " + parser.columns.get(pipe)
                    + ") is not supported: Sigma replaced it with correlation rules (correlation: type: event_count)");
        }
        Cond cond = parser.or();
        if (parser.pos < parser.tokens.size()) {
            throw parser.error("unexpected '" + parser.peek() + "'");
        }
        return cond;
    }

    private Cond or() {
        List<Cond> parts = new ArrayList<>(List.of(and()));
        while (isKeyword("or")) {
            pos++;
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new Cond.Or(parts);
    }

    private Cond and() {
        List<Cond> parts = new ArrayList<>(List.of(not()));
        while (isKeyword("and")) {
            pos++;
            parts.add(not());
        }
        return parts.size() == 1 ? parts.get(0) : new Cond.And(parts);
    }

    private Cond not() {
        if (isKeyword("not")) {
            pos++;
            return new Cond.Not(not());
        }
        return primary();
    }

    private Cond primary() {
        String token = peek();
        if (token == null) {
            throw error("the condition ends where a search identifier, 'not', 'x of' or '(' was expected");
        }
        if (token.equals("(")) {
            pos++;
            Cond inner = or();
            expect(")");
            return inner;
        }
        String lower = token.toLowerCase(Locale.ROOT);
        if ((lower.equals("1") || lower.equals("all") || lower.equals("any")) && "of".equalsIgnoreCase(peek(1))) {
            pos += 2;
            return quantified(!lower.equals("all"));
        }
        if (lower.equals("near")) {
            throw SigmaException.unsupported(path, "'near' (legacy temporal aggregation) is not supported: use a"
                    + " temporal correlation rule");
        }
        if (List.of("and", "or", "of", "them", ")").contains(lower)) {
            throw error("unexpected '" + token + "'");
        }
        if (token.matches("\\d+") && "of".equalsIgnoreCase(peek(1))) {
            throw SigmaException.unsupported(path, "'" + token + " of' is not Sigma: only '1 of' and 'all of'");
        }
        pos++;
        Search search = searches.get(token);
        if (search == null) {
            throw new SigmaException(path, "'" + token + "' is not a search identifier of this detection (defined: "
                    + String.join(", ", searches.keySet()) + ")");
        }
        return new Cond.Ref(token, search);
    }

    private Cond quantified(boolean any) {
        String target = peek();
        if (target == null || target.equals("(") || target.equals(")") || target.equals("|")) {
            throw error("'of' must be followed by a search-identifier pattern or 'them'");
        }
        pos++;
        List<Cond> refs = new ArrayList<>();
        boolean them = target.equalsIgnoreCase("them");
        Pattern glob = Pattern.compile(Pattern.quote(target).replace("*", "\\E.*\\Q"));
        searches.forEach((name, search) -> {
            if (them ? !name.startsWith("_") : glob.matcher(name).matches()) {
                refs.add(new Cond.Ref(name, search));
            }
        });
        if (refs.isEmpty()) {
            throw new SigmaException(path, "'" + target + "' matches no search identifier of this detection"
                    + " (defined: " + String.join(", ", searches.keySet()) + ")");
        }
        if (refs.size() == 1) {
            return refs.get(0);
        }
        return any ? new Cond.Or(refs) : new Cond.And(refs);
    }

    private boolean isKeyword(String keyword) {
        return keyword.equalsIgnoreCase(peek());
    }

    private String peek() {
        return peek(0);
    }

    private String peek(int ahead) {
        return pos + ahead < tokens.size() ? tokens.get(pos + ahead) : null;
    }

    private void expect(String token) {
        if (!token.equals(peek())) {
            throw error("expected '" + token + "'" + (peek() == null ? " before the end" : " but found '" + peek() + "'"));
        }
        pos++;
    }

    private SigmaException error(String problem) {
        String at = pos < columns.size() ? "column " + columns.get(pos) : "the end";
        return new SigmaException(path, problem + " at " + at + " of '" + text + "'");
    }
}
