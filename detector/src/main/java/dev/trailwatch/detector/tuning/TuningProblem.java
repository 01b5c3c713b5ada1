package dev.trailwatch.detector.tuning;

/**
 * One thing wrong in a tuning file, precise enough to fix without reading code.
 *
 * @param source the file (or topic record) it is in
 * @param entry  where in it: {@code exceptions[2] (id terraform-deploy)}, or empty for the file as a whole
 * @param message what is wrong, and what is accepted instead
 */
public record TuningProblem(String source, String entry, String message) {

    @Override
    public String toString() {
        return source + ": " + (entry.isEmpty() ? "" : entry + ": ") + message;
    }
}
