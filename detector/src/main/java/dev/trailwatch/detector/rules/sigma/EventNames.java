package dev.trailwatch.detector.rules.sigma;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code eventName} values a Sigma condition requires, when it pins the field to a finite list of plain values
 * (no wildcard, no modifier) on every path that can match. The watch-list index then tries the rule only on events
 * with one of those names (compared case-insensitively, as Sigma compares values).
 */
final class EventNames {

    private static final String FIELD = "eventName";

    private EventNames() {
    }

    static Optional<Set<String>> required(Cond cond) {
        if (cond instanceof Cond.Ref ref) {
            return required(ref.search());
        }
        if (cond instanceof Cond.And and) {
            return all(and.parts().stream().map(EventNames::required).toList());
        }
        if (cond instanceof Cond.Or or) {
            return any(or.parts().stream().map(EventNames::required).toList());
        }
        return Optional.empty(); // not: says nothing about which names match
    }

    private static Optional<Set<String>> required(Search search) {
        if (search instanceof Search.AllOf all) {
            return all(all.parts().stream().map(EventNames::required).toList());
        }
        if (search instanceof Search.AnyOf any) {
            return any(any.parts().stream().map(EventNames::required).toList());
        }
        return fromTest((FieldTest) search);
    }

    private static Optional<Set<String>> fromTest(FieldTest test) {
        if (!test.field().name().equals(FIELD) || test.mode() != FieldTest.Mode.ANY) {
            return Optional.empty();
        }
        Set<String> names = new HashSet<>();
        for (ValueMatcher value : test.values()) {
            Optional<String> exact = value.exactText();
            if (exact.isEmpty()) {
                return Optional.empty();
            }
            names.add(exact.get());
        }
        return Optional.of(names);
    }

    /** AND: any part that pins the names pins the whole; several pins intersect (case-insensitively). */
    private static Optional<Set<String>> all(List<Optional<Set<String>>> parts) {
        Set<String> out = null;
        for (Optional<Set<String>> part : parts) {
            if (part.isPresent()) {
                if (out == null) {
                    out = new HashSet<>(part.get());
                } else {
                    Set<String> other = part.get();
                    out.removeIf(name -> other.stream().noneMatch(name::equalsIgnoreCase));
                }
            }
        }
        return Optional.ofNullable(out).map(Set::copyOf);
    }

    /** OR: pinned only if every alternative is pinned. */
    private static Optional<Set<String>> any(List<Optional<Set<String>>> parts) {
        Set<String> out = new HashSet<>();
        for (Optional<Set<String>> part : parts) {
            if (part.isEmpty()) {
                return Optional.empty();
            }
            out.addAll(part.get());
        }
        return Optional.of(Set.copyOf(out));
    }
}
