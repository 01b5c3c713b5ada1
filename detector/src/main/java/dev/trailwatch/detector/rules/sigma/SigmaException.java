package dev.trailwatch.detector.rules.sigma;

/**
 * Why one Sigma document cannot be used, at a key path of the document ({@code detection.selection.eventName|re}).
 * Caught by {@link SigmaRules} and turned into a {@link SigmaRefusal}; never escapes the package.
 */
final class SigmaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final SigmaRefusal.Kind kind;

    SigmaException(String path, String message) {
        this(SigmaRefusal.Kind.INVALID, path, message, null);
    }

    SigmaException(String path, String message, Throwable cause) {
        this(SigmaRefusal.Kind.INVALID, path, message, cause);
    }

    SigmaException(SigmaRefusal.Kind kind, String path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
        this.kind = kind;
    }

    static SigmaException unsupported(String path, String message) {
        return new SigmaException(SigmaRefusal.Kind.UNSUPPORTED, path, message, null);
    }

    /** The key path the problem is at, dotted ({@code detection.condition}); empty for the whole document. */
    String path() {
        return path;
    }

    SigmaRefusal.Kind kind() {
        return kind;
    }
}
