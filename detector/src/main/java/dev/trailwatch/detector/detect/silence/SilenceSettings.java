package dev.trailwatch.detector.detect.silence;

import dev.trailwatch.detector.config.ConfigKey;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the trail-silent detection. Built with {@link ConfigKey}'s factories and constructor, never through
 * {@code Settings}: {@code Settings.ALL} lists these keys, so referring back to it would be an initialization cycle.
 */
public final class SilenceSettings {

    public static final ConfigKey<Duration> AFTER = new ConfigKey<>("silence.after", "30m",
            "trail-silent alerts when an account x region that was sending events has delivered none for longer "
                    + "than this (wall-clock time of arrival, not eventTime) while other events still reach the "
                    + "same stream task. Also the window in which that task must have received anything at all.",
            SilenceSettings::positiveDuration);

    public static final ConfigKey<Integer> MIN_EVENTS = new ConfigKey<>("silence.min-events", "10",
            "Events an account x region must have delivered within the last 4 x silence.after (counted in two "
                    + "buckets of that length, so between 4x and 8x) before its last event, to count as sending: "
                    + "a rarely used region going quiet is not a silence. 1 watches every region ever seen.",
            SilenceSettings::positive);

    public static final ConfigKey<Severity> SEVERITY = new ConfigKey<>("silence.severity", "MEDIUM",
            "Severity of the trail-silent alert; the follow-up when events resume is always LOW.", Severity::parse);

    public static final ConfigKey<Duration> FORGET_AFTER = new ConfigKey<>("silence.forget-after", "7d",
            "An account x region silent for this long (wall-clock time) is forgotten, alerted or not: state stays "
                    + "bounded, and events arriving after that start it afresh, without a resume follow-up.",
            SilenceSettings::positiveDuration);

    public static final List<ConfigKey<?>> ALL = List.of(AFTER, MIN_EVENTS, SEVERITY, FORGET_AFTER);

    private SilenceSettings() {
    }

    private static Duration positiveDuration(String text) {
        Duration value = Durations.parse(text);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("must be more than 0");
        }
        return value;
    }

    private static Integer positive(String text) {
        int value = Integer.parseInt(text);
        if (value < 1) {
            throw new IllegalArgumentException("must be 1 or more");
        }
        return value;
    }
}
