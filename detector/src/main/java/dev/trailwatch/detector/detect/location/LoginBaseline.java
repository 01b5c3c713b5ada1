package dev.trailwatch.detector.detect.location;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.IpLocation;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One user's console-login baseline, the single store value per user: when learning started, the countries and
 * networks (ASNs) the user signed in from, each with the first and last sign-in of its current stretch (epoch millis,
 * event time), and the alerts waiting for the reorder horizon to pass.
 *
 * <p>Mutable and owned by one processor, which writes every change to the store at once.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class LoginBaseline {

    /** A country or network the user signed in from: the first and last sign-in since it was (re)learned. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Place {
        private long first;
        private long last;

        @JsonCreator
        Place(@JsonProperty("first") long first, @JsonProperty("last") long last) {
            this.first = first;
            this.last = last;
        }

        @JsonProperty
        long first() {
            return first;
        }

        @JsonProperty
        long last() {
            return last;
        }
    }

    /**
     * A sign-in from a new place, held until event time passes {@code due}: an earlier sign-in from the same place
     * may still arrive. Its alert is worded when it goes out, from the baseline as it then is.
     */
    record Pending(CloudTrailEvent event, IpLocation location, long due) {
    }

    private long firstSeen;
    private long lastSeen;
    private final Map<String, Place> countries;
    private final Map<String, Place> networks;
    private final Map<String, Pending> pending;

    @JsonCreator
    LoginBaseline(@JsonProperty("firstSeen") long firstSeen, @JsonProperty("lastSeen") long lastSeen,
                  @JsonProperty("countries") Map<String, Place> countries,
                  @JsonProperty("networks") Map<String, Place> networks,
                  @JsonProperty("pending") Map<String, Pending> pending) {
        this.firstSeen = firstSeen;
        this.lastSeen = lastSeen;
        this.countries = countries == null ? new HashMap<>() : new HashMap<>(countries);
        this.networks = networks == null ? new HashMap<>() : new HashMap<>(networks);
        this.pending = pending == null ? new HashMap<>() : new HashMap<>(pending);
    }

    static LoginBaseline startingAt(long time) {
        return new LoginBaseline(time, time, null, null, null);
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
    Map<String, Place> countries() {
        return countries;
    }

    @JsonProperty
    Map<String, Place> networks() {
        return networks;
    }

    @JsonProperty
    Map<String, Pending> pending() {
        return pending;
    }

    /** Notes a sign-in at {@code time}: an earlier one (out of order) moves the learning start back. */
    void signedIn(long time) {
        firstSeen = Math.min(firstSeen, time);
        lastSeen = Math.max(lastSeen, time);
    }

    boolean learning(long time, long learningPeriod) {
        return time < firstSeen + learningPeriod;
    }

    boolean idle(long time, long ttl) {
        return time - lastSeen > ttl;
    }

    /**
     * Records a sign-in from {@code name} at {@code time}; true when that starts a new stretch: never seen, or not
     * seen for longer than {@code ttl} before {@code time}. A sign-in earlier than the stretch's first moves it back.
     */
    static boolean visit(Map<String, Place> places, String name, long time, long ttl) {
        Place place = places.get(name);
        if (place == null || time - place.last > ttl) {
            places.put(name, new Place(time, time));
            return true;
        }
        place.first = Math.min(place.first, time);
        place.last = Math.max(place.last, time);
        return false;
    }

    /** Forgets places not visited within {@code ttl} before {@code now}; true when any went. */
    boolean expire(long now, long ttl) {
        boolean c = countries.values().removeIf(place -> now - place.last > ttl);
        boolean n = networks.values().removeIf(place -> now - place.last > ttl);
        return c || n;
    }

    /** The places visited within {@code ttl} before {@code time}, {@code except} one: what an alert calls known. */
    static SortedSet<String> known(Map<String, Place> places, long time, long ttl, String except) {
        SortedSet<String> names = new TreeSet<>();
        places.forEach((name, place) -> {
            if (place.first <= time && time - place.last <= ttl && !name.equals(except)) {
                names.add(name);
            }
        });
        return names;
    }
}
