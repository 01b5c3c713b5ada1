package dev.trailwatch.detector.rules.sigma;

import java.util.List;
import java.util.Set;

/**
 * A compiled Sigma {@code condition}: search identifiers joined by {@code and}, {@code or}, {@code not},
 * {@code 1 of X*} / {@code all of X*} / {@code 1 of them}, and parentheses. Built by {@link ConditionParser}.
 */
sealed interface Cond {

    boolean eval(EventView view);

    /** Adds to {@code out} the names of the search identifiers that hold for the event (for the alert's evidence). */
    void matched(EventView view, Set<String> out);

    /** A search identifier. */
    record Ref(String name, Search search) implements Cond {
        @Override
        public boolean eval(EventView view) {
            return search.matches(view);
        }

        @Override
        public void matched(EventView view, Set<String> out) {
            if (search.matches(view)) {
                out.add(name);
            }
        }
    }

    record Not(Cond inner) implements Cond {
        @Override
        public boolean eval(EventView view) {
            return !inner.eval(view);
        }

        @Override
        public void matched(EventView view, Set<String> out) {
            // what a negated part matched is not why the rule matched
        }
    }

    /** {@code and}; also {@code all of X*} over the identifiers X* expands to. */
    record And(List<Cond> parts) implements Cond {
        public And {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean eval(EventView view) {
            for (Cond part : parts) {
                if (!part.eval(view)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void matched(EventView view, Set<String> out) {
            parts.forEach(p -> p.matched(view, out));
        }
    }

    /** {@code or}; also {@code 1 of X*}; a list of conditions is their {@code or}. */
    record Or(List<Cond> parts) implements Cond {
        public Or {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean eval(EventView view) {
            for (Cond part : parts) {
                if (part.eval(view)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void matched(EventView view, Set<String> out) {
            parts.forEach(p -> p.matched(view, out));
        }
    }
}
