package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Consumer;

/**
 * The body of one search identifier of a Sigma {@code detection:} (a selection or a filter), compiled: maps are
 * {@link AllOf} their field tests, lists of maps are {@link AnyOf} their maps, and each field is a {@link FieldTest}.
 */
sealed interface Search permits Search.AllOf, Search.AnyOf, FieldTest {

    boolean matches(JsonNode root);

    /** Visits every field test in this search. */
    void forEachTest(Consumer<FieldTest> visitor);

    /** A map: every field test holds. */
    record AllOf(List<Search> parts) implements Search {
        public AllOf {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean matches(JsonNode root) {
            for (Search part : parts) {
                if (!part.matches(root)) {
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
        public boolean matches(JsonNode root) {
            for (Search part : parts) {
                if (part.matches(root)) {
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
