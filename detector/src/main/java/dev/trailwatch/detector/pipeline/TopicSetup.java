package dev.trailwatch.detector.pipeline;

import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics a detector needs: events, alerts and dead letters with the same partition count, the compacted
 * known-accounts topic, the compacted rules topic (unless {@code topic.rules} is empty), the compacted exceptions topic
 * (when {@code topic.exceptions} is set), and the OCSF copy of the alerts when {@code topic.alerts.ocsf} is set. Kafka
 * Streams creates its internal topics itself; these are the user's.
 *
 * <p>The rules and exceptions topics are small catalogs every instance reads whole as a global store: one partition
 * keeps them in publish order, compaction keeps the latest version of each document (and removes it on a tombstone).
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    public static List<NewTopic> required(DetectorConfig config, int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>(List.of(
                new NewTopic(config.get(Settings.TOPIC_EVENTS), partitions, replication),
                new NewTopic(config.get(Settings.TOPIC_ALERTS), partitions, replication),
                new NewTopic(config.get(Settings.TOPIC_DLQ), partitions, replication),
                new NewTopic(config.get(Settings.TOPIC_ACCOUNTS), 1, replication)
                        .configs(Map.of("cleanup.policy", "compact"))));
        for (String catalog : catalogs(config)) {
            topics.add(new NewTopic(catalog, 1, replication).configs(Map.of("cleanup.policy", "compact")));
        }
        Topics.from(config).ocsfAlerts()
                .ifPresent(ocsf -> topics.add(new NewTopic(ocsf.name(), partitions, replication)));
        return List.copyOf(topics);
    }

    /** The catalog topics configured (rules, exceptions; an empty setting means none), in that order. */
    public static List<String> catalogs(DetectorConfig config) {
        return Stream.of(config.get(Settings.TOPIC_RULES), config.get(Settings.TOPIC_EXCEPTIONS))
                .map(String::trim).filter(name -> !name.isEmpty()).toList();
    }

    /**
     * What to do about missing topics, in words: which to create and how, for the error a detector stops with.
     */
    public static String howToCreate(DetectorConfig config) {
        List<String> catalogs = catalogs(config);
        return "events, alerts and dead letters with the same partition count; " + config.get(Settings.TOPIC_ACCOUNTS)
                + (catalogs.isEmpty() ? "" : ", " + String.join(", ", catalogs)) + " compacted, one partition";
    }

    /** Names of the required topics that do not exist on the cluster. */
    public static List<String> missing(Admin admin, DetectorConfig config)
            throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        return required(config, 1, (short) 1).stream().map(NewTopic::name)
                .filter(name -> !existing.contains(name)).toList();
    }

    /** Creates whichever required topics are missing; existing ones are left as they are. */
    public static void ensure(Admin admin, List<NewTopic> topics) throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> toCreate = topics.stream().filter(t -> !existing.contains(t.name())).toList();
        try {
            admin.createTopics(toCreate).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
