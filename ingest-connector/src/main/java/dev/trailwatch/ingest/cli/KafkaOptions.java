package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.source.Routing;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Option;

/** Where and how to write: the producer defaults (acks=all, idempotence, lz4) under the user's own settings. */
final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = {"-t", "--topic"}, defaultValue = Routing.DEFAULT_TOPIC,
            description = "Topic for CloudTrail records (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--insights-topic", description = "Topic for CloudTrail Insights records (default: dropped).")
    String insightsTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC", description = "Also write the records whose "
            + "eventTime the topic would refuse or expire there, with the reason in headers (default: only count "
            + "and log them).")
    String deadLetterTopic;

    @Option(names = "--producer-config", paramLabel = "FILE", description = "Producer properties file (e.g. security).")
    Path producerConfig;

    @Option(names = {"-X", "--producer-property"}, paramLabel = "KEY=VALUE", description = "A producer setting.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    Routing routing() {
        return new Routing(topic, insightsTopic);
    }

    /** Where the bootstrap servers came from, for messages. */
    String bootstrapSource() {
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (env != null && env.equals(bootstrapServers)) {
            return "KAFKA_BOOTSTRAP_SERVERS";
        }
        return "localhost:9092".equals(bootstrapServers) ? "the default; set --bootstrap-servers" : "--bootstrap-servers";
    }

    /** The producer's settings; a producer config file that cannot be read is the user's to fix. */
    Map<String, Object> producerSettings() throws IngestCommand.BadInput {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "trailwatch-ingest");
        if (producerConfig != null) {
            Properties file = new Properties();
            try (Reader r = Files.newBufferedReader(producerConfig)) {
                file.load(r);
            } catch (NoSuchFileException e) {
                throw new IngestCommand.BadInput("--producer-config " + producerConfig + ": no such file");
            } catch (IOException | IllegalArgumentException e) {
                throw new IngestCommand.BadInput("--producer-config " + producerConfig + ": " + e.getMessage());
            }
            file.forEach((k, v) -> p.put(k.toString().trim(), v.toString().trim()));
        }
        p.putAll(producerProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
