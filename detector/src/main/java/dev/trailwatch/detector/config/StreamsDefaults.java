package dev.trailwatch.detector.config;

import dev.trailwatch.detector.deadletter.DeadLetterDeserializationHandler;
import dev.trailwatch.detector.deadletter.DeadLetterProcessingHandler;
import dev.trailwatch.detector.deadletter.DeadLetterProductionHandler;
import dev.trailwatch.detector.parse.ParseProcessor;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * TrailWatch's Kafka Streams defaults, layered under whatever the user set ({@code putIfAbsent}).
 *
 * <p>{@code max.task.idle.ms} is {@code -1} (no task idling). Task idling only orders records across the several
 * input partitions of one task, and every task of the detector has one: each sub-topology reads a single topic
 * ({@code DetectorTopologyTest} holds every topology to that). Order across partitions is the detector's own
 * business (the input watermark and the repartitions' progress markers, docs/architecture.md). With idling on, Kafka
 * Streams 4.2 formats a log message with {@code String.format} each time it finds a task's only partition empty,
 * whatever the log level: 3.5% of the stream thread in the bench, for nothing.
 */
final class StreamsDefaults {

    private StreamsDefaults() {
    }

    static void applyTo(Properties props, DetectorConfig config) {
        props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        props.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        props.putIfAbsent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class.getName());
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProductionHandler.class.getName());
        props.putIfAbsent(DeadLetterProcessingHandler.DLQ_TOPIC_CONFIG, config.get(Settings.TOPIC_DLQ));
        props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
                String.valueOf(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        props.putIfAbsent(ParseProcessor.MAX_FUTURE_CONFIG,
                Long.toString(config.get(RuntimeSettings.EVENTS_MAX_FUTURE).toMillis()));
        applyMembership(props, config);
        props.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName());
        props.putIfAbsent(BoundedRocksDbMemory.BUDGET_CONFIG, Long.toString(config.get(Settings.STATE_MEMORY)));
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    }

    /**
     * Restarts in seconds. A killed instance's partitions wait out the session timeout before anyone takes them over:
     * 8 s instead of the consumer's 45 s (a JVM frozen longer than that, e.g. by a long GC pause, now costs a
     * rebalance). Heartbeats every second, so the other members learn of a rebalance within a second. With
     * {@code instance.id} the instance is a static member: killed and restarted under the same id it gets its
     * partitions back at once, without waiting for the session timeout. Standby replicas stay Kafka's default (0):
     * with one instance they cannot be placed and Streams warns about every task at every rebalance; deployments of
     * two or more set {@code kafka.num.standby.replicas=1} (docs/operations.md).
     */
    private static void applyMembership(Properties props, DetectorConfig config) {
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "8000");
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
        String instanceId = config.get(RuntimeSettings.INSTANCE_ID);
        if (!instanceId.isBlank()) {
            props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId.trim());
        }
    }
}
