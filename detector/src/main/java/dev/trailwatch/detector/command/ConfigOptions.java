package dev.trailwatch.detector.command;

import dev.trailwatch.detector.config.DetectorConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: the config file and single-setting overrides. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: TrailWatch settings and kafka.* client settings.")
    Path file;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override one setting, e.g. -D alerts.min.severity=MEDIUM (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    DetectorConfig load() {
        return DetectorConfig.load(file, System.getenv()).with(overrides);
    }
}
