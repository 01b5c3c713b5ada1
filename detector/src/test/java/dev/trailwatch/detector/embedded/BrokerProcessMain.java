package dev.trailwatch.detector.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * The embedded broker's settings in a JVM of its own, on fixed ports and a kept data directory, so that a fault test
 * can kill it (SIGKILL) and start it again where clients expect it. Arguments: data dir, broker port, controller port.
 */
public final class BrokerProcessMain {

    private BrokerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        Path logDir = Path.of(args[0]).resolve("kafka");
        Files.createDirectories(logDir);
        Properties props = BrokerSettings.properties(logDir, Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Map.of("log.flush.interval.messages", "1"));
        BrokerStorage.formatIfNeeded(logDir, props);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "broker-shutdown"));
        System.err.println("broker started on 127.0.0.1:" + args[1]);
        server.awaitShutdown();
    }
}
