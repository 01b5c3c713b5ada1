package dev.trailwatch.detector.catalog;

/**
 * A document of a catalog topic that is not taken: {@code reason} is a short category for the metric's tag
 * ({@code yaml}, {@code unknown-key}, {@code pattern}, {@code test}, ...), the message says exactly what is wrong.
 */
public final class DocumentRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public DocumentRejected(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public DocumentRejected(String reason, String message) {
        this(reason, message, null);
    }

    /** The category, for {@code trailwatch_<kind>_rejected_total{reason}}. */
    public String reason() {
        return reason;
    }
}
