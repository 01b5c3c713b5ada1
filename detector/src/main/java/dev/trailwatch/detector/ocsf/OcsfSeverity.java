package dev.trailwatch.detector.ocsf;

import dev.trailwatch.detector.model.Severity;

/** The OCSF {@code severity_id} enum values TrailWatch severities map to, one to one. */
enum OcsfSeverity {
    INFORMATIONAL(1, "Informational", Severity.INFO),
    LOW(2, "Low", Severity.LOW),
    MEDIUM(3, "Medium", Severity.MEDIUM),
    HIGH(4, "High", Severity.HIGH),
    CRITICAL(5, "Critical", Severity.CRITICAL);

    private final int id;
    private final String caption;
    private final Severity severity;

    OcsfSeverity(int id, String caption, Severity severity) {
        this.id = id;
        this.caption = caption;
        this.severity = severity;
    }

    int id() {
        return id;
    }

    String caption() {
        return caption;
    }

    Severity severity() {
        return severity;
    }

    static OcsfSeverity of(Severity severity) {
        for (OcsfSeverity value : values()) {
            if (value.severity == severity) {
                return value;
            }
        }
        throw new IllegalArgumentException("no OCSF severity for " + severity);
    }

    static Severity fromId(int id) {
        for (OcsfSeverity value : values()) {
            if (value.id == id) {
                return value.severity;
            }
        }
        throw new IllegalArgumentException("severity_id " + id + " is not one TrailWatch writes (1-5)");
    }
}
