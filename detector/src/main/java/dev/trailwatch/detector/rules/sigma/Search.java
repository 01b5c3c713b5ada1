package dev.trailwatch.detector.rules.sigma;

import java.util.List;
import java.util.function.Consumer;

/**
 * The body of one search identifier of a Sigma {@code detection:} (a selection or a filter), compiled: maps are
 * {@link AllOf} their field tests, lists of maps are {@link AnyOf} their maps, and each field is a {@link FieldTest}.
 */
sealed interface Search permits Search.AllOf, Search.AnyOf, FieldTest {

    boolean matches(EventView view);

    /** Visits every field test in this search. */
    void forEachTest(Consumer<FieldTest> visitor);

    /**
     * A map: every field test holds. Tests of the typed fields run first (a pure reordering of an AND): they rule
     * most events out without the record's tree.
     */
    record AllOf(List<Search> parts) implements Search {
        public AllOf {
            parts = parts.stream().sorted(java.util.Comparator.comparing(p -> p instanceof FieldTest t && t.typed() ? 0
                    : 1)).toList();
        }

        @Override
        public boolean matches(EventView view) {
            for (Search part : parts) {
                if (!part.matches(view)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void forEachTest(Consumer<FieldTest> visitor) {
            parts.forEach(p -> p.forEachTest(visitor));
        }
    }

    /** A list of maps (or of keywords): at least one holds. */
    record AnyOf(List<Search> parts) implements Search {
        public AnyOf {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean matches(EventView view) {
            for (Search part : parts) {
                if (part.matches(view)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void forEachTest(Consumer<FieldTest> visitor) {
            parts.forEach(p -> p.forEachTest(visitor));
        }
    }
}
