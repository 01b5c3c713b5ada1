package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.ConfigKey;
import dev.trailwatch.detector.config.SilenceSettings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The thresholds and windows of the stateful detections that an override may set, by rule id and by the short name
 * an override file uses ({@code threshold}, {@code window}, ...), each bound to the detector setting it replaces.
 *
 * <p>Some settings serve more than one detection (the failed-login threshold is also what console-bruteforce-success
 * calls a burst; the learning period is shared by both first-use detections), so an override of one changes the
 * others: the docs say so, and two overrides that set one setting to different values are refused.
 */
final class TunableSettings {

    private static final Map<String, Map<String, ConfigKey<?>>> BY_RULE = new LinkedHashMap<>();

    static {
        put("failed-console-login-burst", "threshold", BurstSettings.FAILED_LOGIN_THRESHOLD,
                "window", BurstSettings.FAILED_LOGIN_WINDOW);
        put("console-password-spray", "users", BurstSettings.PASSWORD_SPRAY_USERS,
                "window", BurstSettings.PASSWORD_SPRAY_WINDOW);
        put("access-denied-burst", "threshold", BurstSettings.ACCESS_DENIED_THRESHOLD,
                "window", BurstSettings.ACCESS_DENIED_WINDOW);
        put("console-bruteforce-success", "within", BurstSettings.BRUTEFORCE_SUCCESS_WITHIN);
        put("console-cross-account-spray", "accounts", BurstSettings.CROSS_ACCOUNT_SPRAY_ACCOUNTS,
                "failures", BurstSettings.CROSS_ACCOUNT_SPRAY_FAILURES,
                "window", BurstSettings.CROSS_ACCOUNT_SPRAY_WINDOW);
        put("credential-harvesting-burst", "resources", BurstSettings.HARVEST_RESOURCES,
                "window", BurstSettings.HARVEST_WINDOW);
        put("bedrock-region-sweep", "threshold", BurstSettings.BEDROCK_SWEEP_THRESHOLD,
                "window", BurstSettings.BEDROCK_SWEEP_WINDOW);
        put("ses-enumeration", "calls", BurstSettings.SES_ENUMERATION_CALLS,
                "window", BurstSettings.SES_ENUMERATION_WINDOW);
        put("first-region-use", "learning-period", BaselineSettings.LEARNING_PERIOD);
        put("first-service-use", "learning-period", BaselineSettings.LEARNING_PERIOD);
        put("trail-silent", "after", SilenceSettings.AFTER, "min-events", SilenceSettings.MIN_EVENTS);
    }

    private TunableSettings() {
    }

    private static void put(String rule, Object... pairs) {
        Map<String, ConfigKey<?>> params = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put((String) pairs[i], (ConfigKey<?>) pairs[i + 1]);
        }
        BY_RULE.put(rule, Collections.unmodifiableMap(params));
    }

    /** The settings an override of {@code rule} may set, by their short names; empty for a rule without any. */
    static Map<String, ConfigKey<?>> of(String rule) {
        return BY_RULE.getOrDefault(rule, Map.of());
    }

    /** The rules that have thresholds or windows to set, for error messages. */
    static String rules() {
        return String.join(", ", BY_RULE.keySet());
    }
}
