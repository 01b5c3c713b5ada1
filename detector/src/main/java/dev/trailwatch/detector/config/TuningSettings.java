package dev.trailwatch.detector.config;

import java.util.List;

/** Settings of tuning: exceptions, disabled rules and overrides (docs/tuning.md). */
public final class TuningSettings {

    public static final ConfigKey<String> DIR = ConfigKey.text("tuning.dir", "",
            "A tuning file or a directory of them (*.yml, *.yaml, *.json, sub-directories too): exceptions ("
                    + "\"do not alert when ...\"), disabled rules, severity overrides and thresholds of stateful "
                    + "detections (docs/tuning.md). Loaded at start, where a bad file or an unknown rule id stops the "
                    + "detector with exit code 2 naming the file and the entry; then re-read every reload.interval "
                    + "(a bad change is rejected and logged, the previous version stays; thresholds and windows "
                    + "change with a restart).");
    public static final ConfigKey<Boolean> AUDIT_LOG = ConfigKey.bool("tuning.audit-log", "true",
            "Log every alert an exception or a disabled rule kept from the alerts topic at INFO, on the logger "
                    + "`trailwatch.tuning.audit` (alert id, rule, account, principal, the exception's id, owner and "
                    + "reason). They are counted in trailwatch_alerts_excepted_total / trailwatch_alerts_disabled_total"
                    + " either way.");

    public static final List<ConfigKey<?>> ALL = List.of(DIR, AUDIT_LOG);

    private TuningSettings() {
    }
}
