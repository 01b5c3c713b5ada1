package dev.trailwatch.detector.detect.baseline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A first use waiting until its partition is complete up to its event time (the reorder horizon), in case an earlier
 * use of the same region or service (or a use inside the learning period) is still on its way. Store
 * {@code first-use-pending}, keyed by account, kind and what is new.
 *
 * @param raw   the triggering event's record, parsed again when the first use is reported
 * @param time  the triggering event's time (epoch millis)
 * @param key   the input record's key
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record PendingUse(FirstUse.Kind kind, String what, List<String> known, long since, String accountName, byte[] raw,
                  long time, String key) {

    static String storeKey(String account, FirstUse.Kind kind, String what) {
        return account + '|' + kind + '|' + what;
    }
}
