package dev.trailwatch.ingest.launch;

/**
 * Kafka could not be reached or refused this client, found before any work started. The message names the bootstrap
 * servers, the setting they came from and what was tried; it never contains a password or a key.
 */
public final class KafkaCheckFailed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code: 1 for an unreachable cluster (may pass), 2 for a configuration the user must fix. */
    private final int exitCode;

    KafkaCheckFailed(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
