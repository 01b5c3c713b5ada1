package dev.trailwatch.detector.config;

import java.time.Duration;
import java.util.function.Function;

/**
 * One TrailWatch setting: its name in the config file, its default and what it means.
 *
 * <p>The environment variable is derived from the name: {@code suppression.window} is
 * {@code TRAILWATCH_SUPPRESSION_WINDOW}.
 */
public record ConfigKey<T>(String name, String defaultValue, String doc, Function<String, T> parser) {

    public String envName() {
        return "TRAILWATCH_" + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Parses a raw value, naming the key and the bad value when it does not parse. */
    public T parse(String raw) {
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new ConfigException("bad value '" + raw + "' for " + name + ": " + e.getMessage(), e);
        }
    }

    public static ConfigKey<String> text(String name, String defaultValue, String doc) {
        return new ConfigKey<>(name, defaultValue, doc, Function.identity());
    }

    public static ConfigKey<Integer> integer(String name, String defaultValue, String doc) {
        return new ConfigKey<>(name, defaultValue, doc, Integer::valueOf);
    }

    public static ConfigKey<Duration> duration(String name, String defaultValue, String doc) {
        return new ConfigKey<>(name, defaultValue, doc, Durations::parse);
    }
}
