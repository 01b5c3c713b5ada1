package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.model.Alert;

/** What tuning does with one alert: write it (maybe at another severity), or not, and which entry decided. */
public sealed interface Verdict {

    /**
     * The alert goes on, as given or with the severity an override set.
     *
     * @param severityBy the override that changed the severity, or null
     */
    record Keep(Alert alert, OverrideEntry severityBy) implements Verdict {
    }

    /** An exception applies: the alert is counted and not written. */
    record Excepted(Alert alert, ExceptionEntry exception) implements Verdict {
    }

    /** The rule is disabled (here, for this account or OU): the alert is counted and not written. */
    record Disabled(Alert alert, OverrideEntry override) implements Verdict {
    }
}
