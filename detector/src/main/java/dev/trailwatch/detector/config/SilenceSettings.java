package dev.trailwatch.detector.config;

import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the trail-silent detection.
 */
public final class SilenceSettings {

    public static final ConfigKey<Duration> AFTER = ConfigKey.duration("silence.after", "30m",
            "trail-silent alerts when an account x region that was sending events has delivered none for longer "
                    + "than this (wall-clock time of arrival, not eventTime) while other events still reach the "
                    + "same stream task. Also the window in which that task must have received anything at all.")
            .positive();

    public static final ConfigKey<Integer> MIN_EVENTS = ConfigKey.integer("silence.min-events", "10",
            "Events an account x region must have delivered within the last 4 x silence.after (counted in two "
                    + "buckets of that length, so between 4x and 8x) before its last event, to count as sending: "
                    + "a rarely used region going quiet is not a silence. 1 watches every region ever seen.")
            .positive();

    public static final ConfigKey<Severity> SEVERITY = new ConfigKey<>("silence.severity", "MEDIUM",
            "Severity of the trail-silent alert; the follow-up when events resume is always LOW.", Severity::parse);

    public static final ConfigKey<Duration> FORGET_AFTER = ConfigKey.duration("silence.forget-after", "7d",
            "An account x region silent for this long (wall-clock time) is forgotten, alerted or not: state stays "
                    + "bounded, and events arriving after that start it afresh, without a resume follow-up.")
            .positive();

    public static final List<ConfigKey<?>> ALL = List.of(AFTER, MIN_EVENTS, SEVERITY, FORGET_AFTER);

    private SilenceSettings() {
    }
}
