package dev.trailwatch.detector.rules;

/**
 * A rule file that cannot be loaded. The message always starts with the file it is about
 * ({@code rules/foo.yml: condition, column 23: ...}), because the author fixes the file from this message alone.
 */
public final class RuleLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RuleLoadException(String message) {
        super(message);
    }

    public RuleLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
