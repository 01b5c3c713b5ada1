package dev.trailwatch.detector.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** How an instance joins its group, restarts, and tells whether it is working (docs/operations.md, "Restarts"). */
public final class RuntimeSettings {

    public static final ConfigKey<String> INSTANCE_ID = ConfigKey.text("instance.id", "",
            "Static group membership: a name unique and stable per instance (e.g. the pod name of a StatefulSet). "
                    + "Killed and restarted under the same id, it takes its partitions back at once instead of "
                    + "after the session timeout (8 s). Empty: dynamic membership.");
    public static final ConfigKey<Duration> EVENTS_MAX_FUTURE = ConfigKey.duration("events.max.future", "15m",
            "Events dated further ahead of this instance's clock are dead-lettered (future_event_time): one would "
                    + "move stream time ahead and make real events late. Keep it at most burst.grace.");
    public static final ConfigKey<Duration> READY_STALL_TIMEOUT = ConfigKey.duration("ready.stall.timeout", "30s",
            "/ready answers 503 when this instance's input lag has not shrunk for this long while it has lag, "
                    + "or the brokers have been unreachable for this long.");

    public static final ConfigKey<String> EVENTS_PARSE_AHEAD = new ConfigKey<>("events.parse.ahead", "auto",
            "Parse each polled batch of records on a thread of its own (one per stream thread) while the stream "
                    + "thread processes the records before it: more events/s per stream thread when a core is "
                    + "free. auto: on when the JVM has more processors than stream threads (kafka.num.stream.threads); "
                    + "true; false. Alerts are the same either way.",
            RuntimeSettings::parseAhead);

    public static final List<ConfigKey<?>> ALL = List.of(INSTANCE_ID, EVENTS_MAX_FUTURE, EVENTS_PARSE_AHEAD,
            READY_STALL_TIMEOUT);

    /** {@code auto}, {@code true} or {@code false}; anything else fails at load. */
    static String parseAhead(String text) {
        String value = text.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "true", "false").contains(value)) {
            throw new IllegalArgumentException("expected auto, true or false");
        }
        return value;
    }

    private RuntimeSettings() {
    }
}
