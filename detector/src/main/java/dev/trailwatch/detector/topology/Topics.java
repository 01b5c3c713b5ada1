package dev.trailwatch.detector.topology;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics TrailWatch reads and writes, named by configuration.
 *
 * @param events input: key = recipientAccountId, value = one CloudTrail record's JSON bytes
 * @param alerts output: key = alertId, value = the alert contract as JSON
 * @param deadLetters records that cannot be read: original key and bytes, reason in headers
 */
public record Topics(TopicSpec<String, byte[]> events, TopicSpec<String, Alert> alerts,
                     TopicSpec<String, byte[]> deadLetters) {

    public static Topics from(DetectorConfig config) {
        return new Topics(
                new TopicSpec<>(config.get(Settings.TOPIC_EVENTS), Serdes.String(), Serdes.ByteArray()),
                new TopicSpec<>(config.get(Settings.TOPIC_ALERTS), Serdes.String(), JacksonSerde.json(Alert.class)),
                new TopicSpec<>(config.get(Settings.TOPIC_DLQ), Serdes.String(), Serdes.ByteArray()));
    }
}
