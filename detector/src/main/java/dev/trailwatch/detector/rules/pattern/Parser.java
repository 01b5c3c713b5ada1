package dev.trailwatch.detector.rules.pattern;

import dev.trailwatch.detector.rules.pattern.NumericComparison.Relation;
import dev.trailwatch.detector.rules.pattern.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the JSON filter-pattern grammar (see the package documentation). One token of
 * lookahead; every error names the column of the offending token and what was expected there.
 */
final class Parser {

    /** AWS: "a limit of 2 regex for each filter pattern when creating a delimited or JSON filter pattern". */
    private static final int MAX_REGEXES = 2;

    private final Lexer lexer;
    private Token current;
    private int regexes;

    private Parser(String text) {
        this.lexer = new Lexer(text);
        this.current = lexer.next();
    }

    static Expr parse(String text) {
        if (text.isBlank()) {
            throw new FilterPatternException(1, "empty pattern; a JSON filter pattern looks like "
                    + "{ $.eventName = ConsoleLogin }");
        }
        if (text.strip().startsWith("[")) {
            throw new FilterPatternException(text.indexOf('[') + 1, "space-delimited patterns ([w1, w2, ...]) are"
                    + " not supported; expected '{' to open a JSON filter pattern");
        }
        return new Parser(text).pattern();
    }

    private Expr pattern() {
        if (current.kind() != Kind.LBRACE) {
            throw error("expected '{' to open a JSON filter pattern such as { $.eventName = ConsoleLogin }");
        }
        advance();
        if (current.kind() == Kind.RBRACE) {
            throw error("empty pattern: expected a condition such as $.eventName = ConsoleLogin");
        }
        Expr expr = anyOf();
        if (current.kind() == Kind.END) {
            throw error("expected '}' to close the pattern");
        }
        if (current.kind() == Kind.RPAREN) {
            throw error("unbalanced parentheses: no '(' to close");
        }
        if (current.kind() != Kind.RBRACE) {
            throw error("expected '&&', '||' or '}'");
        }
        advance();
        if (current.kind() != Kind.END) {
            throw new FilterPatternException(current.column(),
                    "unexpected " + current.describe() + " after the closing '}'");
        }
        return expr;
    }

    /** {@code &&} binds tighter than {@code ||}, as AWS documents: "() > && > ||". */
    private Expr anyOf() {
        List<Expr> parts = new ArrayList<>(List.of(allOf()));
        while (current.kind() == Kind.OR) {
            advance();
            parts.add(allOf());
        }
        List<Expr> folded = InSet.fold(parts);
        return folded.size() == 1 ? folded.get(0) : new Expr.AnyOf(folded);
    }

    private Expr allOf() {
        List<Expr> parts = new ArrayList<>(List.of(primary()));
        while (current.kind() == Kind.AND) {
            advance();
            parts.add(primary());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.AllOf(parts);
    }

    private Expr primary() {
        if (current.kind() == Kind.LPAREN) {
            Token open = current;
            advance();
            Expr inner = anyOf();
            if (current.kind() != Kind.RPAREN) {
                String expected = current.kind() == Kind.END ? "')'" : "'&&', '||' or ')'";
                throw error("expected " + expected, " (to close '(' at column " + open.column() + ")");
            }
            advance();
            return inner;
        }
        if (current.kind() == Kind.SELECTOR) {
            Selector selector = current.selector();
            advance();
            return condition(selector);
        }
        throw error("expected a condition (a selector such as $.eventName) or '('");
    }

    private Expr condition(Selector selector) {
        Token token = current;
        if (token.kind() == Kind.OPERATOR) {
            advance();
            return comparison(selector, token.text());
        }
        if (token.isKeyword("IS")) {
            advance();
            return isCheck(selector);
        }
        if (token.isKeyword("NOT")) {
            advance();
            if (!current.isKeyword("EXISTS")) {
                throw error("expected EXISTS after NOT");
            }
            advance();
            return new Check(selector, Check.Kind.NOT_EXISTS);
        }
        if (token.isKeyword("EXISTS")) {
            throw new FilterPatternException(token.column(),
                    "EXISTS alone is not part of the syntax; write '" + selector + " = *' to require the field");
        }
        throw error("expected an operator (= != < <= > >=), IS or NOT EXISTS after " + selector);
    }

    private Expr isCheck(Selector selector) {
        Check.Kind kind;
        if (current.isKeyword("TRUE")) {
            kind = Check.Kind.IS_TRUE;
        } else if (current.isKeyword("FALSE")) {
            kind = Check.Kind.IS_FALSE;
        } else if (current.isKeyword("NULL")) {
            kind = Check.Kind.IS_NULL;
        } else {
            throw error("expected TRUE, FALSE or NULL after IS");
        }
        advance();
        return new Check(selector, kind);
    }

    private Expr comparison(Selector selector, String operator) {
        Relation relation = Relation.of(operator);
        if (relation != null) {
            NumericComparison comparison = new NumericComparison(selector, relation, number(operator));
            advance();
            return comparison;
        }
        Equality equality = new Equality(selector, operator.equals("!="), operand(operator));
        advance();
        return equality;
    }

    private NumberLiteral number(String operator) {
        if (current.kind() != Kind.WORD || !NumberLiteral.isNumber(current.text())) {
            throw error("operator '" + operator + "' compares numbers: expected a number");
        }
        try {
            return NumberLiteral.of(current.text());
        } catch (NumberFormatException e) {
            throw new FilterPatternException(current.column(), "number " + current.describe() + " is out of range");
        }
    }

    private Operand operand(String operator) {
        return switch (current.kind()) {
            case QUOTED -> OperandReader.quoted(current);
            case WORD -> NumberLiteral.isNumber(current.text()) ? number(operator)
                    : OperandReader.unquoted(current.text());
            case REGEX -> regex();
            default -> throw error("expected a value after '" + operator + "'");
        };
    }

    private Operand regex() {
        if (++regexes > MAX_REGEXES) {
            throw new FilterPatternException(current.column(),
                    "a pattern may hold at most " + MAX_REGEXES + " %regex% values");
        }
        return OperandReader.regex(current);
    }

    private void advance() {
        current = lexer.next();
    }

    private FilterPatternException error(String expected) {
        return error(expected, "");
    }

    /** "expected X but found Y", at the current token. */
    private FilterPatternException error(String expected, String suffix) {
        return new FilterPatternException(current.column(), expected + " but found " + current.describe() + suffix);
    }
}
