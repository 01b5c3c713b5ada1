package dev.trailwatch.detector.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded broker's settings: a single KRaft node (broker and controller) on loopback, sized for a small machine,
 * with every replication factor and min ISR at 1 so that transactions ({@code exactly_once_v2}), consumer groups and
 * share groups work on one broker.
 */
final class BrokerSettings {

    /** Kept small and fixed: a reused data dir must see the same partition counts it was created with. */
    static final int INTERNAL_TOPIC_PARTITIONS = 4;

    private BrokerSettings() {
    }

    /**
     * The broker's configuration: {@code overrides} win over the defaults, but listeners, ports, node identity and
     * directories are always this class's own.
     */
    static Properties properties(Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        return properties(logDir, brokerPort, controllerPort, overrides, Map.of());
    }

    /**
     * As above, plus extra client listeners ({@code name -> port}; each name's security protocol and settings, e.g.
     * {@code listener.security.protocol.map} entries and {@code listener.name.<name>.*}, come from
     * {@code overrides} via {@code protocols}). The PLAINTEXT listener stays for inter-broker traffic and setup.
     */
    static Properties properties(Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides,
                                 Map<String, Map.Entry<String, Integer>> extraListeners) {
        Map<String, String> settings = new LinkedHashMap<>();
        // Sized for one small machine: one broker, few threads, small buffers.
        settings.put("num.network.threads", "2");
        settings.put("num.io.threads", "4");
        settings.put("background.threads", "4");
        settings.put("num.recovery.threads.per.data.dir", "1");
        settings.put("num.partitions", "1");
        // The default 128 MB dedupe buffer alone costs ~125 MB of RSS; 8 MB still cleans ~300k keys per pass.
        settings.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // Replayed CloudTrail history carries event-time timestamps days or months old: never expire it by time.
        settings.put("log.retention.ms", "-1");
        // Every topic TrailWatch uses is created explicitly (by this class or by Kafka Streams).
        settings.put("auto.create.topics.enable", "false");
        // One broker: every replication factor and min ISR is 1, or transactions and groups cannot start.
        settings.put("default.replication.factor", "1");
        settings.put("min.insync.replicas", "1");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("share.coordinator.state.topic.num.partitions", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.putAll(overrides);
        // Identity, listeners and directories are not negotiable.
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        StringBuilder listeners = new StringBuilder("PLAINTEXT://127.0.0.1:" + brokerPort);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        extraListeners.forEach((name, protocolAndPort) -> {
            listeners.append(',').append(name).append("://127.0.0.1:").append(protocolAndPort.getValue());
            protocols.append(',').append(name).append(':').append(protocolAndPort.getKey());
        });
        settings.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", listeners.toString());
        settings.put("listener.security.protocol.map", protocols.toString());
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("log.dirs", logDir.toAbsolutePath().toString());
        Properties props = new Properties();
        props.putAll(settings);
        return props;
    }
}
