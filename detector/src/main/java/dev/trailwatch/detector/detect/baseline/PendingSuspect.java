package dev.trailwatch.detector.detect.baseline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trailwatch.detector.model.Alert;

/**
 * A call by a principal of an account not known yet, waiting for the input to be complete past its time + the
 * reorder horizon before it is flagged or dropped (store {@code foreign-account-pending}, keyed by {@code eventID}).
 *
 * @param draft   the alert it becomes
 * @param account the principal's account that was not known
 * @param time    the event's time (epoch millis)
 * @param key     the input record's key, kept for the alert
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record PendingSuspect(Alert draft, String account, long time, String key) {
}
