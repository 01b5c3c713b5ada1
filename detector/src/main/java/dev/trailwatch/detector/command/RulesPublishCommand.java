package dev.trailwatch.detector.command;

import dev.trailwatch.detector.command.RuleFileCheck.Checked;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.TopicRules;
import dev.trailwatch.ingest.launch.KafkaReach;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trailwatch rules publish PATH... | --delete ID | --delete-exceptions NAME}: checks the rule files and tuning
 * files as {@code rules test --for-topic} does (nothing is written when one fails), then writes each rule to the rules
 * topic (key = rule id, value = the file's text) and each tuning file to the exceptions topic (key = document name,
 * the file name without its extension; value = the file's text), or a tombstone for {@code --delete} /
 * {@code --delete-exceptions}. Rules are written first, so that a detector knows a new rule before an exception that
 * names it arrives. The running detectors take the change within seconds (hot reload). Kafka client settings come
 * from {@code --config} / {@code -D kafka.*} / {@code KAFKA_*}, as for {@code run}, so SASL, TLS and MSK IAM work the
 * same.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Check rule files and tuning files (lint and inline tests), then write each rule to the rules "
                + "topic (topic.rules; key = rule id, value = the file's text) and each tuning file to the exceptions "
                + "topic (topic.exceptions; key = the file name without its extension, value = the file's text); "
                + "--delete ID and --delete-exceptions NAME write tombstones. Running detectors apply the change "
                + "within seconds.",
                "Exit codes: 0 published, 1 a file has a problem (nothing written) or Kafka is out of reach, "
                        + "2 a path cannot be read, a topic is missing or not set, bad settings or credentials."})
final class RulesPublishCommand implements Callable<Integer> {

    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern DOCUMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,248}");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Parameters(arity = "0..*", paramLabel = "PATH",
            description = "Rule files, tuning files or folders (*.yml, *.yaml; tuning files also *.json).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,...]",
            description = "Kafka to publish to (instead of kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServer;

    @Option(names = "--delete", paramLabel = "ID", description = "Remove this rule from the rules topic (a "
            + "tombstone): a built-in rule it replaced comes back (repeatable).")
    List<String> delete = new ArrayList<>();

    @Option(names = "--delete-exceptions", paramLabel = "NAME", description = "Remove this tuning document (the "
            + "file name it was published from, without extension) from the exceptions topic: a tombstone; its "
            + "exceptions and overrides stop applying (repeatable).")
    List<String> deleteExceptions = new ArrayList<>();

    @Option(names = "--dry-run", description = "Check and print what would be written; write nothing.")
    boolean dryRun;

    /** What one run writes: records per topic, key to text (null = tombstone), in order. */
    private record Plan(Map<String, String> rules, Map<String, String> tuning) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (paths.isEmpty() && delete.isEmpty() && deleteExceptions.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give rule or tuning files (PATH), --delete ID or --delete-exceptions NAME");
        }
        DetectorConfig config = options.load();
        if (bootstrapServer != null) {
            config = config.with(Map.of(DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", bootstrapServer));
        }
        Plan plan = plan(config, out);
        if (plan == null) {
            out.println("nothing published");
            out.flush();
            return 1;
        }
        String rulesTopic = config.get(Settings.TOPIC_RULES).trim();
        String exceptionsTopic = config.get(Settings.TOPIC_EXCEPTIONS).trim();
        if (dryRun) {
            plan.rules().forEach((id, text) -> out.println((text == null ? "would delete " : "would publish ") + id
                    + " to " + rulesTopic));
            plan.tuning().forEach((name, text) -> out.println((text == null ? "would delete " : "would publish ")
                    + "tuning document " + name + " to " + exceptionsTopic));
            out.flush();
            return 0;
        }
        Map<String, Object> client = new HashMap<>(config.kafka());
        client.putIfAbsent("bootstrap.servers", config.streamsProperties().getProperty("bootstrap.servers"));
        KafkaReach.check(client, bootstrapSource(config), KafkaReach.DEFAULT_TIMEOUT);
        if (!plan.rules().isEmpty()) {
            requireTopic(client, rulesTopic, "the rules topic", Settings.TOPIC_RULES.name(),
                    "create it (compacted, 1 partition) or start a detector once with --create-topics");
        }
        if (!plan.tuning().isEmpty()) {
            requireTopic(client, exceptionsTopic, "the exceptions topic", Settings.TOPIC_EXCEPTIONS.name(),
                    "create it compacted with 1 partition (kafka-topics.sh --create --topic " + exceptionsTopic
                            + " --partitions 1 --config cleanup.policy=compact), or correct "
                            + Settings.TOPIC_EXCEPTIONS.name());
        }
        write(client, rulesTopic, plan.rules(), "", out);
        write(client, exceptionsTopic, plan.tuning(), "tuning document ", out);
        return 0;
    }

    private String bootstrapSource(DetectorConfig config) {
        if (bootstrapServer != null) {
            return "--bootstrap-server";
        }
        return config.kafka().containsKey("bootstrap.servers") ? "kafka.bootstrap.servers"
                : "the default; set --bootstrap-server, kafka.bootstrap.servers or KAFKA_BOOTSTRAP_SERVERS";
    }

    /**
     * The records to write, after the checks and tests of every file passed; null when a file has a problem or a
     * case fails (reported). A topic the records need that is not set is a setting to fix (exit 2), found before
     * the files' lines are printed and anything is written.
     */
    private Plan plan(DetectorConfig config, PrintWriter out) {
        Map<String, String> rules = new LinkedHashMap<>();
        Map<String, String> tuning = new LinkedHashMap<>();
        RuleFileCheck.Checks checks = paths.isEmpty() ? null
                : RuleFileCheck.checkAll(paths, RuleFileCheck.Target.TOPIC);
        boolean writesRules = !delete.isEmpty() || (checks != null && !checks.rules().isEmpty());
        boolean writesTuning = !deleteExceptions.isEmpty() || (checks != null && !checks.tuning().isEmpty());
        if (writesRules && config.get(Settings.TOPIC_RULES).isBlank()) {
            throw new IllegalArgumentException(Settings.TOPIC_RULES.name() + " is empty: there is no rules topic");
        }
        if (writesTuning && config.get(Settings.TOPIC_EXCEPTIONS).isBlank()) {
            throw new IllegalArgumentException(Settings.TOPIC_EXCEPTIONS.name() + " is not set: tuning documents go"
                    + " to the exceptions topic the detectors read; set it as they have it (-D "
                    + Settings.TOPIC_EXCEPTIONS.name() + "=trailwatch.exceptions, or in the --config file)");
        }
        if (checks != null) {
            RulesTestCommand.Tally tally = new RulesTestCommand.Tally();
            boolean clean = RulesLintCommand.report(checks, out);
            RulesTestCommand.runAll(checks, out, tally, false);
            if (!clean || tally.failed > 0 || tally.broken > 0) {
                return null;
            }
            for (Checked file : checks.rules()) {
                // The key the detector expects: the rule id, or for a Sigma file the id of the file (it may hold
                // several rules).
                TopicRules.key(file.file().location(), file.file().text())
                        .ifPresent(key -> rules.put(key, file.file().text()));
            }
            for (TuningFileCheck.Checked file : checks.tuning()) {
                tuning.put(file.document(), file.file().text());
            }
        }
        for (String id : delete) {
            if (!RULE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("--delete " + id + ": not a rule id (kebab-case)");
            }
            if (rules.containsKey(id)) {
                throw new IllegalArgumentException("--delete " + id + ": the same run also publishes it");
            }
            rules.put(id, null);
        }
        for (String name : deleteExceptions) {
            if (!DOCUMENT.matcher(name).matches()) {
                throw new IllegalArgumentException("--delete-exceptions " + name + ": not a tuning document name (the"
                        + " file name it was published from, without extension: letters, digits, '.', '_', '-')");
            }
            if (tuning.containsKey(name)) {
                throw new IllegalArgumentException("--delete-exceptions " + name + ": the same run also publishes it");
            }
            tuning.put(name, null);
        }
        return new Plan(rules, tuning);
    }

    private static void requireTopic(Map<String, Object> client, String topic, String what, String setting,
                                     String fix) throws Exception {
        Map<String, Object> admin = new HashMap<>();
        client.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        try (Admin kafka = Admin.create(admin)) {
            if (!kafka.listTopics().names().get().contains(topic)) {
                throw new IllegalArgumentException(what + " " + topic + " (" + setting + ") does not exist on "
                        + client.get("bootstrap.servers") + ": " + fix);
            }
        }
    }

    private static void write(Map<String, Object> client, String topic, Map<String, String> records, String what,
                              PrintWriter out) throws Exception {
        if (records.isEmpty()) {
            return;
        }
        Map<String, Object> producer = new HashMap<>();
        client.forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                producer.put(key, value);
            }
        });
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "trailwatch-rules-publish");
        try (KafkaProducer<String, String> kafka = new KafkaProducer<>(producer, new StringSerializer(),
                new StringSerializer())) {
            for (Map.Entry<String, String> record : records.entrySet()) {
                RecordMetadata written = kafka.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()))
                        .get();
                out.println((record.getValue() == null ? "deleted   " : "published ") + what + record.getKey()
                        + " -> " + topic + " (partition " + written.partition() + ", offset " + written.offset()
                        + ")");
            }
        }
        out.flush();
    }
}
