package dev.trailwatch.detector.config;

import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.ocsf.AlertFormat;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Every TrailWatch setting with its default and meaning; docs/configuration.md is generated from this list. */
public final class Settings {

    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.text("application.id", "trailwatch-detector",
            "Kafka Streams application id: instances with the same id share the work and the state.");
    public static final ConfigKey<String> TOPIC_EVENTS = ConfigKey.text("topic.events", "cloudtrail.events",
            "Input topic: one CloudTrail record per message, key = recipientAccountId.");
    public static final ConfigKey<String> TOPIC_ALERTS = ConfigKey.text("topic.alerts", "cloudtrail.alerts",
            "Output topic for alerts (JSON, key = alertId).");
    public static final ConfigKey<String> TOPIC_DLQ = ConfigKey.text("topic.dlq", "cloudtrail.events.dlq",
            "Dead-letter topic: records the detector cannot read, original bytes, reason in headers.");
    public static final ConfigKey<String> RULES_DIR = ConfigKey.text("rules.dir", "",
            "A directory of extra watch-list rule files (*.yml, *.yaml): TrailWatch rule files and Sigma rules for"
                    + " AWS CloudTrail (docs/sigma.md), loaded at start next to the bundled ones and re-read every"
                    + " reload.interval (docs/rules.md, hot reload).");
    public static final ConfigKey<Duration> RELOAD_INTERVAL = ConfigKey.duration("reload.interval", "5s",
            "How often rules.dir and tuning.dir are re-read while the detector runs: a changed, added or deleted file"
                    + " applies on this instance from the next event on; a bad one is rejected and logged, the"
                    + " previous version stays. Each instance reads its own files; the rules and exceptions topics"
                    + " change all instances at once. 0s = read at start only.");
    public static final ConfigKey<Severity> ALERTS_MIN_SEVERITY = new ConfigKey<>("alerts.min.severity", "LOW",
            "Lowest severity written to the alerts topic; lower ones are only counted in metrics.",
            Severity::parse);
    public static final ConfigKey<AlertFormat> ALERTS_FORMAT = new ConfigKey<>("alerts.format", "native",
            "How alerts are written to `topic.alerts` (and `trailwatch scan`'s output): `native` (the TrailWatch alert "
                    + "contract, docs/alert-schema.md) or `ocsf` (OCSF Detection Finding, class 2004, "
                    + "docs/alert-sinks.md).", AlertFormat::parse);
    public static final ConfigKey<String> TOPIC_ALERTS_OCSF = ConfigKey.text("topic.alerts.ocsf", "",
            "A second output topic that receives every alert as an OCSF Detection Finding as well (key = alertId), "
                    + "whatever `alerts.format` is; empty = none.");
    public static final ConfigKey<Duration> SUPPRESSION_WINDOW = ConfigKey.duration("suppression.window", "1h",
            "Repeats of a rule for the same principal and account in one window of this length"
                    + " (aligned to the epoch, UTC: 1h windows start on the hour) fold into one alert.");
    public static final ConfigKey<Duration> REPORT_WITHIN = ConfigKey.duration("alerts.report-within", "5m",
            "Longest wall-clock time an event folded into an alert already sent (a suppressed repeat, an event"
                    + " joining an open burst) waits before an update of that alert (same alertId) reports it, even"
                    + " when event time stops moving on its partition (an account that went quiet). The window still"
                    + " closes by event time; it sends one more update only if it holds events not yet reported."
                    + " scan reports everything at the end of its input instead.").positive();
    public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.integer("metrics.port", "9464",
            "Port of the HTTP server for /metrics, /health and /ready (0 = any free port).");
    public static final ConfigKey<String> METRICS_HOST = ConfigKey.text("metrics.host", "0.0.0.0",
            "Address the metrics server binds to.");
    public static final ConfigKey<String> TOPIC_ACCOUNTS = ConfigKey.text("topic.accounts", "trailwatch.accounts",
            "Compacted topic of known organization accounts: key = account id, value = name/OU/tags JSON, "
                    + "tombstone removes.");
    public static final ConfigKey<String> TOPIC_EXCEPTIONS = ConfigKey.text("topic.exceptions", "",
            "Compacted topic of tuning documents (exceptions, disabling and severity overrides: the format of a"
                    + " tuning.dir file), hot reloaded on every instance: key = document name, value = its text,"
                    + " tombstone removes. An invalid document is rejected and logged, the previous version stays."
                    + " Threshold and window overrides are refused there (start-up only). Empty = none; e.g."
                    + " trailwatch.exceptions (docs/tuning.md).");
    public static final ConfigKey<String> TOPIC_RULES = ConfigKey.text("topic.rules", "trailwatch.rules",
            "Compacted topic of watch-list rules, hot reloaded on every instance: key = rule id, value = the text of a "
                    + "TrailWatch rule file (`trailwatch rules publish`), tombstone removes. A topic rule with the id of a "
                    + "built-in or `rules.dir` rule replaces it; an invalid one is rejected and logged, the previous "
                    + "version stays (docs/rules-cli.md). Empty = no rules topic.");
    public static final ConfigKey<Long> STATE_MEMORY = new ConfigKey<>("state.memory", "256MB",
            "Off-heap memory for all RocksDB state stores of this instance together (block cache, index and filter "
                    + "blocks, memtables), e.g. 128MB or 1GB. Size the container for heap + this + ~20%.",
            Sizes::parse);
    public static final ConfigKey<Duration> REORDER_HORIZON = ConfigKey.duration("reorder.horizon", "15m",
            "How far (event time) records may arrive out of order, across accounts, partitions and instances, and still"
                    + " give the alerts of event-time order. A decision that a record arriving later within the horizon"
                    + " could change waits until every input partition is past it: foreign-account for an account not"
                    + " known yet (just over twice the horizon of event time), first-region-use and first-service-use (one"
                    + " horizon). Every other decision is taken at once (docs/architecture.md, \"Order of arrival\"). 0"
                    + " decides as soon as every partition reaches the event and takes records of the same eventTime in arrival"
                    + " order.").nonNegative();
    public static final ConfigKey<String> TOPIC_PROGRESS = ConfigKey.text("topic.progress", "trailwatch.progress",
            "Compacted topic where each instance publishes how far (event time) each input partition it owns is"
                    + " complete, keyed by application id and partition, read back by every instance as a global"
                    + " table: the reorder-horizon watermark across instances. Created at start when missing.");
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = ConfigKey.integer("topic.partitions", "6",
            "Partitions of the events, alerts and dead-letter topics that `trailwatch run --create-topics` creates.");

    /** The settings of the detector core. */
    public static final List<ConfigKey<?>> CORE = List.of(APPLICATION_ID, TOPIC_EVENTS, TOPIC_ALERTS, TOPIC_DLQ,
            TOPIC_ACCOUNTS, TOPIC_RULES, TOPIC_EXCEPTIONS, RULES_DIR, RELOAD_INTERVAL, ALERTS_MIN_SEVERITY, ALERTS_FORMAT, TOPIC_ALERTS_OCSF,
            SUPPRESSION_WINDOW, REPORT_WITHIN, REORDER_HORIZON, TOPIC_PROGRESS, METRICS_PORT, METRICS_HOST, STATE_MEMORY,
            TOPIC_PARTITIONS);

    /** Every setting: the core's and each detection family's. */
    public static final List<ConfigKey<?>> ALL = Stream.of(CORE, TuningSettings.ALL, RuntimeSettings.ALL,
            BurstSettings.ALL, BaselineSettings.ALL, SilenceSettings.ALL, GeoIpSettings.ALL)
            .flatMap(List::stream).collect(Collectors.toUnmodifiableList());

    private Settings() {
    }

    static ConfigKey<?> byName(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
    }

    static boolean isEnvName(String envName) {
        return ALL.stream().anyMatch(k -> k.envName().equals(envName));
    }

    static String byEnvName(String envName) {
        return ALL.stream().filter(k -> k.envName().equals(envName)).map(ConfigKey::name).findFirst()
                .orElseThrow(() -> new ConfigException("unknown environment variable " + envName
                        + "; known: " + ALL.stream().map(ConfigKey::envName).toList()));
    }

    static List<String> names() {
        return ALL.stream().map(ConfigKey::name).toList();
    }
}
