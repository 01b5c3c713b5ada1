package dev.trailwatch.detector.detect.silence;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.Map;

/** The store value of trail-silent, one per account: region -> its {@link RegionActivity}. Owned by one processor. */
@JsonIgnoreProperties(ignoreUnknown = true)
final class AccountActivity {

    private final Map<String, RegionActivity> regions;
    /** Changed since it was last written (last-event fields only); the processor's working copy, never stored. */
    @JsonIgnore
    transient boolean dirty;

    @JsonCreator
    AccountActivity(@JsonProperty("regions") Map<String, RegionActivity> regions) {
        this.regions = regions == null ? new HashMap<>() : new HashMap<>(regions);
    }

    static AccountActivity empty() {
        return new AccountActivity(null);
    }

    @JsonProperty
    Map<String, RegionActivity> regions() {
        return regions;
    }
}
