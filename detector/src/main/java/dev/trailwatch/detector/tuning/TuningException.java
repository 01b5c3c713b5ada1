package dev.trailwatch.detector.tuning;

import java.util.List;
import java.util.stream.Collectors;

/** Tuning that cannot be used, with every problem found (not only the first), each naming its file and entry. */
public final class TuningException extends Exception {

    private final transient List<TuningProblem> problems;

    public TuningException(List<TuningProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    public List<TuningProblem> problems() {
        return problems;
    }

    private static String message(List<TuningProblem> problems) {
        if (problems.size() == 1) {
            return "bad tuning: " + problems.get(0);
        }
        return problems.size() + " problems in tuning files:" + problems.stream().map(p -> "\n  " + p)
                .collect(Collectors.joining());
    }
}
