package dev.trailwatch.detector.config;

/** A configuration the detector cannot start with; the message says which key or file and why. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
