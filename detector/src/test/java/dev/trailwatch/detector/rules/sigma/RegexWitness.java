package dev.trailwatch.detector.rules.sigma;

/**
 * A string that the Sigma regular-expression subset ({@code . ^ $ * + ? {n,m} [a-z] [^a-z] | ()}, escapes) matches:
 * the first alternative of each choice, the minimum of each repetition (one for {@code +}), a member of each class.
 */
final class RegexWitness {

    private final String re;
    private int pos;

    private RegexWitness(String re) {
        this.re = re;
    }

    static String of(String regex) {
        RegexWitness w = new RegexWitness(regex);
        return w.alternation();
    }

    private String alternation() {
        String first = sequence();
        while (pos < re.length() && re.charAt(pos) == '|') {
            pos++;
            sequence();
        }
        return first;
    }

    private String sequence() {
        StringBuilder out = new StringBuilder();
        while (pos < re.length() && re.charAt(pos) != '|' && re.charAt(pos) != ')') {
            String atom = atom();
            int times = quantifier();
            out.append(atom.repeat(times));
        }
        return out.toString();
    }

    private String atom() {
        char c = re.charAt(pos++);
        switch (c) {
            case '(':
                if (re.startsWith("?:", pos)) {
                    pos += 2;
                }
                String inner = alternation();
                pos++; // ')'
                return inner;
            case '[':
                return charClass();
            case '.':
                return "a";
            case '^':
            case '$':
                return "";
            case '\\':
                char e = re.charAt(pos++);
                return switch (e) {
                    case 'd' -> "1";
                    case 'w', 'S', 'D' -> "a";
                    case 's' -> " ";
                    case 'W' -> "-";
                    case 'b', 'B' -> "";
                    default -> String.valueOf(e);
                };
            default:
                return String.valueOf(c);
        }
    }

    private int quantifier() {
        if (pos >= re.length()) {
            return 1;
        }
        char c = re.charAt(pos);
        int times = 1;
        if (c == '+') {
            pos++;
        } else if (c == '*' || c == '?') {
            pos++;
            times = 0;
        } else if (c == '{') {
            int close = re.indexOf('}', pos);
            String body = re.substring(pos + 1, close);
            times = Integer.parseInt(body.split(",")[0].trim());
            pos = close + 1;
        } else {
            return 1;
        }
        if (pos < re.length() && (re.charAt(pos) == '?' || re.charAt(pos) == '+')) {
            pos++; // lazy or possessive
        }
        return times;
    }

    private String charClass() {
        boolean negated = pos < re.length() && re.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        StringBuilder members = new StringBuilder();
        boolean first = true;
        while (pos < re.length() && (re.charAt(pos) != ']' || first)) {
            char c = re.charAt(pos++);
            if (c == '\\') {
                c = re.charAt(pos++);
            }
            if (pos + 1 < re.length() && re.charAt(pos) == '-' && re.charAt(pos + 1) != ']') {
                char to = re.charAt(pos + 1);
                pos += 2;
                for (char x = c; x <= to; x++) {
                    members.append(x);
                }
            } else {
                members.append(c);
            }
            first = false;
        }
        pos++; // ']'
        if (!negated) {
            return members.substring(0, 1);
        }
        for (char c : "aZ0_-: x".toCharArray()) {
            if (members.indexOf(String.valueOf(c)) < 0) {
                return String.valueOf(c);
            }
        }
        return "~";
    }
}
