package dev.trailwatch.detector.serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one Jackson serde: {@link #json} for the alert contract at the edge, {@link #smile} (binary JSON, smaller and
 * faster to parse) for internal topics and store values.
 */
public final class JacksonSerde<T> implements Serde<T> {

    /*
     * One mapper per format for every serde: a mapper builds and caches a (de)serializer per type on first use (bean
     * introspection, the Java time module), so a mapper per serde did that again for every store and topic of the
     * same type (the alert type alone went through three) at each start of the topology. A configured mapper is
     * thread-safe and nothing here reconfigures it.
     */
    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final ObjectMapper SMILE = configure(new ObjectMapper(new SmileFactory()));

    private final ObjectMapper mapper;
    private final Class<T> type;

    private JacksonSerde(ObjectMapper mapper, Class<T> type) {
        this.mapper = mapper;
        this.type = type;
    }

    public static <T> JacksonSerde<T> json(Class<T> type) {
        return new JacksonSerde<>(JSON, type);
    }

    public static <T> JacksonSerde<T> smile(Class<T> type) {
        return new JacksonSerde<>(SMILE, type);
    }

    /** The mapper settings every TrailWatch JSON uses: ISO-8601 instants, unknown fields tolerated. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return mapper.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName() + " for " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return mapper.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic, e);
            }
        };
    }
}
