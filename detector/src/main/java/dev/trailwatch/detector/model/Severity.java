package dev.trailwatch.detector.model;

import java.util.Locale;

/** Alert severity, ordered from least to most urgent; the names are the alert contract's values. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /** Parses a severity name case-insensitively, naming the accepted values when it is not one. */
    public static Severity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown severity '" + text + "' (expected INFO, LOW, MEDIUM, HIGH or CRITICAL)", e);
        }
    }
}
