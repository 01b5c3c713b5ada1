package dev.trailwatch.detector.topology;

import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.ocsf.AlertFormat;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics TrailWatch reads and writes, named by configuration.
 *
 * @param events input: key = recipientAccountId, value = one CloudTrail record's JSON bytes
 * @param alerts output: key = alertId, value = the alert in the configured {@code alerts.format} (native contract
 *               or OCSF Detection Finding)
 * @param deadLetters records that cannot be read: original key and bytes, reason in headers
 * @param ocsfAlerts an optional second output ({@code topic.alerts.ocsf}): every alert as an OCSF Detection Finding
 */
public record Topics(TopicSpec<String, byte[]> events, TopicSpec<String, Alert> alerts,
                     TopicSpec<String, byte[]> deadLetters, Optional<TopicSpec<String, Alert>> ocsfAlerts) {

    public static Topics from(DetectorConfig config) {
        String alerts = config.get(Settings.TOPIC_ALERTS);
        String ocsf = config.get(Settings.TOPIC_ALERTS_OCSF).trim();
        if (ocsf.equals(alerts)) {
            throw new ConfigException(Settings.TOPIC_ALERTS_OCSF.name() + " must differ from "
                    + Settings.TOPIC_ALERTS.name() + " ('" + alerts + "'); to write OCSF findings to the alerts topic "
                    + "set " + Settings.ALERTS_FORMAT.name() + "=ocsf");
        }
        return new Topics(
                new TopicSpec<>(config.get(Settings.TOPIC_EVENTS), Serdes.String(), Serdes.ByteArray()),
                new TopicSpec<>(alerts, Serdes.String(), config.get(Settings.ALERTS_FORMAT).serde()),
                new TopicSpec<>(config.get(Settings.TOPIC_DLQ), Serdes.String(), Serdes.ByteArray()),
                ocsf.isEmpty() ? Optional.empty()
                        : Optional.of(new TopicSpec<>(ocsf, Serdes.String(), AlertFormat.OCSF.serde())));
    }
}
