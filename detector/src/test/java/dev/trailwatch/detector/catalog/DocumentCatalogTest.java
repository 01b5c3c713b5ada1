package dev.trailwatch.detector.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generic part of a catalog topic, with a validator that takes numbers only: each change reaches the listener
 * once, a rejected version leaves the previous one in force and is counted by reason, a tombstone removes, and a
 * reload from the store keeps what it already compiled.
 */
class DocumentCatalogTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Map<String, Integer>> published = new ArrayList<>();
    private final List<String> compiled = new ArrayList<>();
    private final DocumentCatalog<Integer> catalog = new DocumentCatalog<>("numbers", "numbers.topic",
            (name, text) -> {
                if (!text.matches("\\d+")) {
                    throw new DocumentRejected("nan", "'" + text + "' is not a number");
                }
                compiled.add(name);
                return Integer.valueOf(text);
            }, published::add, registry);

    @Test
    void eachChangeReachesTheListenerOnceWithTheWholeSet() {
        assertThat(catalog.offer("a", "1")).isEqualTo(DocumentCatalog.Outcome.ACCEPTED);
        assertThat(catalog.offer("b", "2")).isEqualTo(DocumentCatalog.Outcome.ACCEPTED);
        assertThat(catalog.offer("a", "1")).as("same text again").isEqualTo(DocumentCatalog.Outcome.UNCHANGED);
        assertThat(catalog.offer("a", "3")).isEqualTo(DocumentCatalog.Outcome.ACCEPTED);

        assertThat(published).containsExactly(Map.of("a", 1), Map.of("a", 1, "b", 2), Map.of("a", 3, "b", 2));
        assertThat(registry.get("trailwatch.numbers.topic.active").gauge().value()).isEqualTo(2);
        assertThat(registry.get("trailwatch.numbers.topic.changes").tag("outcome", "accepted").counter().count())
                .isEqualTo(3);
    }

    @Test
    void aRejectedVersionKeepsThePreviousOneAndIsCountedByReason() {
        catalog.offer("a", "1");
        assertThat(catalog.offer("a", "one")).isEqualTo(DocumentCatalog.Outcome.REJECTED);
        assertThat(catalog.offer(null, "2")).isEqualTo(DocumentCatalog.Outcome.REJECTED);

        assertThat(catalog.documents()).containsExactly(Map.entry("a", 1));
        assertThat(published).containsExactly(Map.of("a", 1));
        assertThat(registry.get("trailwatch.numbers.rejected").tag("reason", "nan").tag("source", "numbers.topic")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("trailwatch.numbers.rejected").tag("reason", "key").counter().count()).isEqualTo(1);
    }

    @Test
    void aValidatorFailingUnexpectedlyIsARejectionNotACrash() {
        DocumentCatalog<Integer> fragile = new DocumentCatalog<>("fragile", "fragile.topic", (name, text) -> {
            throw new NullPointerException("a bug");
        }, published::add, registry);

        assertThat(fragile.offer("a", "1")).isEqualTo(DocumentCatalog.Outcome.REJECTED);
        assertThat(registry.get("trailwatch.fragile.rejected").tag("reason", "error").counter().count()).isEqualTo(1);
    }

    @Test
    void aTombstoneRemovesAndATombstoneForNothingChangesNothing() {
        catalog.offer("a", "1");
        assertThat(catalog.offer("a", null)).isEqualTo(DocumentCatalog.Outcome.REMOVED);
        assertThat(catalog.offer("b", null)).isEqualTo(DocumentCatalog.Outcome.UNCHANGED);

        assertThat(published).containsExactly(Map.of("a", 1), Map.of());
        assertThat(registry.get("trailwatch.numbers.topic.active").gauge().value()).isZero();
    }

    @Test
    void aReloadReplacesTheSetAndReusesWhatItAlreadyCompiled() {
        catalog.offer("a", "1");
        catalog.offer("b", "2");
        compiled.clear();

        catalog.load(Map.of("a", "1", "c", "5"));

        assertThat(catalog.documents()).containsExactly(Map.entry("a", 1), Map.entry("c", 5));
        assertThat(compiled).containsExactly("c");
        assertThat(published.get(published.size() - 1)).isEqualTo(Map.of("a", 1, "c", 5));
    }

    @Test
    void aDocumentNamingARuleNotInForceYetWaitsAndIsTakenWhenTheRuleArrives() {
        Set<String> rules = new HashSet<>(List.of("known"));
        List<Map<String, String>> inForce = new ArrayList<>();
        DocumentCatalog<String> exceptions = new DocumentCatalog<>("exceptions", "exceptions.topic", (name, text) -> {
            if (!rules.contains(text)) {
                throw new DocumentRejected("unknown-rule", "unknown rule id '" + text + "'");
            }
            return text;
        }, inForce::add, registry);

        assertThat(exceptions.offer("for-new", "new-rule")).isEqualTo(DocumentCatalog.Outcome.REJECTED);
        assertThat(exceptions.offer("for-other", "other-rule")).isEqualTo(DocumentCatalog.Outcome.REJECTED);
        exceptions.retryWaiting();
        assertThat(exceptions.documents()).as("nothing changed in the rules").isEmpty();

        rules.add("new-rule");
        exceptions.retryWaiting();
        assertThat(exceptions.documents()).containsExactly(Map.entry("for-new", "new-rule"));
        assertThat(inForce).containsExactly(Map.of("for-new", "new-rule"));

        exceptions.offer("for-other", null);
        rules.add("other-rule");
        exceptions.retryWaiting();
        assertThat(exceptions.documents()).as("a tombstone ends the wait").containsOnlyKeys("for-new");
        assertThat(registry.get("trailwatch.exceptions.rejected").tag("reason", "unknown-rule").counter().count())
                .as("each rejection counted once, not again on every retry").isEqualTo(2);
    }
}
