package dev.trailwatch.detector.command;

import dev.trailwatch.detector.command.RuleFileCheck.Checked;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.rules.Rule;
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
 * {@code trailwatch rules publish PATH... | --delete ID}: checks the rule files as {@code rules test --for-topic} does
 * (nothing is written when one fails), then writes each rule to the rules topic, key = rule id, value = the file's
 * text, or a tombstone for {@code --delete}. The running detectors take the change within seconds (hot reload). Kafka
 * client settings come from {@code --config} / {@code -D kafka.*} / {@code KAFKA_*}, as for {@code run}, so SASL, TLS
 * and MSK IAM work the same.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Check rule files (lint and inline tests), then write each rule to the rules topic "
                + "(topic.rules; key = rule id, value = the file's text); --delete ID writes a tombstone. Running "
                + "detectors apply the change within seconds.",
                "Exit codes: 0 published, 1 a rule has a problem (nothing written) or Kafka is out of reach, "
                        + "2 a path cannot be read, the topic is missing, bad settings or credentials."})
final class RulesPublishCommand implements Callable<Integer> {

    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Rule files or folders (*.yml, *.yaml).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,...]",
            description = "Kafka to publish to (instead of kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServer;

    @Option(names = "--delete", paramLabel = "ID", description = "Remove this rule from the rules topic (a "
            + "tombstone): a built-in rule it replaced comes back (repeatable).")
    List<String> delete = new ArrayList<>();

    @Option(names = "--dry-run", description = "Check and print what would be written; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (paths.isEmpty() && delete.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give rule files (PATH) or --delete ID");
        }
        DetectorConfig config = options.load();
        if (bootstrapServer != null) {
            config = config.with(Map.of(DetectorConfig.KAFKA_PREFIX + "bootstrap.servers", bootstrapServer));
        }
        String topic = config.get(Settings.TOPIC_RULES).trim();
        if (topic.isEmpty()) {
            throw new IllegalArgumentException(Settings.TOPIC_RULES.name() + " is empty: there is no rules topic");
        }
        Map<String, String> records = rulesToWrite(out);
        if (records == null) {
            out.println("nothing published");
            out.flush();
            return 1;
        }
        if (dryRun) {
            records.forEach((id, text) -> out.println((text == null ? "would delete " : "would publish ") + id
                    + " to " + topic));
            out.flush();
            return 0;
        }
        Map<String, Object> client = new HashMap<>(config.kafka());
        client.putIfAbsent("bootstrap.servers", config.streamsProperties().getProperty("bootstrap.servers"));
        KafkaReach.check(client, bootstrapSource(config), KafkaReach.DEFAULT_TIMEOUT);
        requireTopic(client, topic);
        write(client, topic, records, out);
        return 0;
    }

    private String bootstrapSource(DetectorConfig config) {
        if (bootstrapServer != null) {
            return "--bootstrap-server";
        }
        return config.kafka().containsKey("bootstrap.servers") ? "kafka.bootstrap.servers"
                : "the default; set --bootstrap-server, kafka.bootstrap.servers or KAFKA_BOOTSTRAP_SERVERS";
    }

    /** Rule id to text (null = tombstone), in the order given; null when a file has a problem (reported). */
    private Map<String, String> rulesToWrite(PrintWriter out) {
        Map<String, String> records = new LinkedHashMap<>();
        if (!paths.isEmpty()) {
            List<Checked> checked = RuleFileCheck.check(RuleFileCheck.read(paths), RuleFileCheck.Target.TOPIC);
            RulesTestCommand.Tally tally = new RulesTestCommand.Tally();
            boolean clean = RulesLintCommand.report(checked, out);
            for (Checked file : checked) {
                if (file.ok()) {
                    file.rules().forEach(rule -> RulesTestCommand.run(rule, out, tally));
                }
            }
            if (!clean || tally.failed > 0) {
                return null;
            }
            for (Checked file : checked) {
                for (Rule rule : file.rules()) {
                    records.put(rule.id(), file.file().text());
                }
            }
        }
        for (String id : delete) {
            if (!RULE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("--delete " + id + ": not a rule id (kebab-case)");
            }
            if (records.containsKey(id)) {
                throw new IllegalArgumentException("--delete " + id + ": the same run also publishes it");
            }
            records.put(id, null);
        }
        return records;
    }

    private static void requireTopic(Map<String, Object> client, String topic) throws Exception {
        Map<String, Object> admin = new HashMap<>();
        client.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        try (Admin kafka = Admin.create(admin)) {
            if (!kafka.listTopics().names().get().contains(topic)) {
                throw new IllegalArgumentException("the rules topic " + topic + " does not exist on "
                        + client.get("bootstrap.servers") + ": create it (compacted, 1 partition) or start a detector "
                        + "once with --create-topics");
            }
        }
    }

    private static void write(Map<String, Object> client, String topic, Map<String, String> records,
                              PrintWriter out) throws Exception {
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
                out.println((record.getValue() == null ? "deleted   " : "published ") + record.getKey() + " -> "
                        + topic + " (partition " + written.partition() + ", offset " + written.offset() + ")");
            }
        }
        out.flush();
    }
}
