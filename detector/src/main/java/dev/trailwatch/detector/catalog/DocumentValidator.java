package dev.trailwatch.detector.catalog;

/**
 * Turns one named document of a catalog topic (a rule file, later an exception list) into its compiled form, or
 * refuses it. Runs on the global stream thread when the record arrives, never per event.
 *
 * @param <T> the compiled document
 */
@FunctionalInterface
public interface DocumentValidator<T> {

    /**
     * @param name the record key (a rule id)
     * @param text the record value as written
     * @throws DocumentRejected with the reason category and the problem in words
     */
    T validate(String name, String text);
}
