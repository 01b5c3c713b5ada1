package dev.trailwatch.detector.ocsf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an {@link Alert} as an OCSF Detection Finding (JSON) and reads one back. The mapping is lossless (up to
 * OCSF's millisecond timestamps), so the scan and demo commands read an OCSF alerts topic as they read a native one.
 */
public final class OcsfAlertSerde implements Serde<Alert> {

    private final ObjectMapper mapper = JacksonSerde.configure(new ObjectMapper());
    private final DetectionFindingMapper toFinding = new DetectionFindingMapper();

    @Override
    public Serializer<Alert> serializer() {
        return (topic, alert) -> {
            if (alert == null) {
                return null;
            }
            try {
                return mapper.writeValueAsBytes(toFinding.toFinding(alert));
            } catch (IOException e) {
                throw new SerializationException("cannot write OCSF finding for " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<Alert> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return DetectionFindingReader.toAlert(mapper.readTree(bytes));
            } catch (IOException | IllegalArgumentException e) {
                throw new SerializationException("cannot read an OCSF Detection Finding from " + topic + ": "
                        + e.getMessage(), e);
            }
        };
    }
}
