package dev.trailwatch.detector.detect.baseline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One account's first-use baseline, the single store value per account: when learning started, when the account was
 * last used, and the regions and services it used, each with when it was last used (epoch millis, event time).
 *
 * <p>Mutable and owned by one processor; every change is written to the store at once, so the cached object and the
 * stored one never differ. Last-use times move only in steps of at least {@code resolution}: a baseline changes on a
 * first sight or about once a day per entry, not on every event.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class AccountBaseline {

    static final int NEW_REGION = 1;
    static final int NEW_SERVICE = 2;
    static final int CHANGED = 4;

    private long firstSeen;
    private long lastSeen;
    private final Map<String, Long> regions;
    private final Map<String, Long> services;

    @JsonCreator
    AccountBaseline(@JsonProperty("firstSeen") long firstSeen, @JsonProperty("lastSeen") long lastSeen,
                    @JsonProperty("regions") Map<String, Long> regions,
                    @JsonProperty("services") Map<String, Long> services) {
        this.firstSeen = firstSeen;
        this.lastSeen = lastSeen;
        this.regions = regions == null ? new HashMap<>() : new HashMap<>(regions);
        this.services = services == null ? new HashMap<>() : new HashMap<>(services);
    }

    static AccountBaseline startingAt(long time) {
        return new AccountBaseline(time, time, null, null);
    }

    @JsonProperty
    long firstSeen() {
        return firstSeen;
    }

    @JsonProperty
    long lastSeen() {
        return lastSeen;
    }

    @JsonProperty
    Map<String, Long> regions() {
        return regions;
    }

    @JsonProperty
    Map<String, Long> services() {
        return services;
    }

    /** True while {@code time} is inside the learning period that started at the account's first counted call. */
    boolean learning(long time, long learningPeriod) {
        return time < firstSeen + learningPeriod;
    }

    /** True when nothing of this account was used within {@code ttl} before {@code time}: it is to be forgotten. */
    boolean idle(long time, long ttl) {
        return time - lastSeen > ttl;
    }

    /**
     * Records a use at {@code time} and says what it meant: {@link #NEW_REGION} / {@link #NEW_SERVICE} when that one
     * was not known (never seen, or last used more than {@code ttl} before), {@link #CHANGED} when something must be
     * written. One map lookup each for region and service; an earlier first call (events arrive out of order) moves
     * the learning start back.
     */
    int record(String region, String service, long time, long ttl, long resolution) {
        int result = 0;
        if (time < firstSeen) {
            firstSeen = time;
            result |= CHANGED;
        }
        if (time - lastSeen >= resolution) {
            lastSeen = time;
            result |= CHANGED;
        }
        return result | touch(regions, region, time, ttl, resolution, NEW_REGION)
                | touch(services, service, time, ttl, resolution, NEW_SERVICE);
    }

    private static int touch(Map<String, Long> seen, String name, long time, long ttl, long resolution, int isNew) {
        if (name == null) {
            return 0;
        }
        Long last = seen.get(name);
        if (last == null || time - last > ttl) {
            seen.put(name, time);
            return isNew | CHANGED;
        }
        if (time - last >= resolution) {
            seen.put(name, time);
            return CHANGED;
        }
        return 0;
    }

    /** Drops every region and service last used more than {@code ttl} before {@code now}; true when any went. */
    boolean expire(long now, long ttl) {
        boolean r = regions.values().removeIf(last -> now - last > ttl);
        boolean s = services.values().removeIf(last -> now - last > ttl);
        return r || s;
    }

    boolean empty() {
        return regions.isEmpty() && services.isEmpty();
    }

    /** The names used within {@code ttl} before {@code time}, but {@code except}: what an alert calls known. */
    static SortedSet<String> known(Map<String, Long> seen, long time, long ttl, String except) {
        SortedSet<String> names = new TreeSet<>();
        seen.forEach((name, last) -> {
            if (time - last <= ttl && !name.equals(except)) {
                names.add(name);
            }
        });
        return names;
    }
}
