package dev.trailwatch.detector.ocsf;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serde;

/** How alerts are written to the alerts topic: the native contract or an OCSF Detection Finding. */
public enum AlertFormat {
    /** The TrailWatch alert contract (docs/alert-schema.md, schema/alert.schema.json). */
    NATIVE,
    /** OCSF Detection Finding, class 2004 (docs/alert-sinks.md, schema/ocsf-detection-finding.schema.json). */
    OCSF;

    /** The serde that writes (and reads back) alerts in this format. */
    public Serde<Alert> serde() {
        return switch (this) {
            case NATIVE -> JacksonSerde.json(Alert.class);
            case OCSF -> new OcsfAlertSerde();
        };
    }

    /** Parses {@code native} or {@code ocsf}, case-insensitively, naming the accepted values when it is neither. */
    public static AlertFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown alert format '" + text + "' (expected native or ocsf)", e);
        }
    }
}
