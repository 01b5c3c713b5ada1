package dev.trailwatch.detector.config;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One TrailWatch setting: its name in the config file, its default and what it means.
 *
 * <p>The environment variable is derived from the name: {@code suppression.window} is
 * {@code TRAILWATCH_SUPPRESSION_WINDOW}.
 */
public record ConfigKey<T>(String name, String defaultValue, String doc, Function<String, T> parser) {

    public String envName() {
        return "TRAILWATCH_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
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

    /** Only {@code true} or {@code false}: a typo must fail at start, not silently mean false. */
    public static ConfigKey<Boolean> bool(String name, String defaultValue, String doc) {
        return new ConfigKey<>(name, defaultValue, doc, ConfigKey::strictBoolean);
    }

    /**
     * The parse of every boolean setting: {@code true} or {@code false} in any case, anything else refused
     * ({@link #parse} adds the key's name and the bad value to the message).
     */
    static Boolean strictBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** This key refusing zero and negative values (a count or a duration), so that a bad file fails at load. */
    public ConfigKey<T> positive() {
        return checked(value -> value instanceof Duration d ? !d.isZero() && !d.isNegative()
                : ((Number) value).longValue() > 0, "must be greater than zero");
    }

    /** This key refusing negative numbers and durations. */
    public ConfigKey<T> nonNegative() {
        return checked(value -> value instanceof Duration d ? !d.isNegative() : ((Number) value).longValue() >= 0,
                "must be 0 or more");
    }

    private ConfigKey<T> checked(Predicate<T> valid, String requirement) {
        return new ConfigKey<>(name, defaultValue, doc, raw -> {
            T value = parser.apply(raw);
            if (!valid.test(value)) {
                throw new IllegalArgumentException(requirement);
            }
            return value;
        });
    }
}
