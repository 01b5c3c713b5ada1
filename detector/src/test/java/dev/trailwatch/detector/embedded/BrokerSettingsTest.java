package dev.trailwatch.detector.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

    private static final Path LOG_DIR = Path.of("/tmp/trailwatch-test/kafka");

    @Test
    void letsTransactionsAndGroupsRunOnOneBroker() {
        Properties props = BrokerSettings.properties(LOG_DIR, 9092, 9093, Map.of());

        assertThat(props).containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("log.retention.ms", "-1");
        assertThat(Long.parseLong(props.getProperty("log.cleaner.dedupe.buffer.size"))).isLessThan(32L << 20);
    }

    @Test
    void listensOnLoopbackOnly() {
        Properties props = BrokerSettings.properties(LOG_DIR, 9092, 9093, Map.of());

        assertThat(props).containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("log.dirs", LOG_DIR.toAbsolutePath().toString());
    }

    @Test
    void overridesTuneTheBrokerButCannotMoveItsListenersOrData() {
        Properties props = BrokerSettings.properties(LOG_DIR, 9092, 9093, Map.of(
                "num.io.threads", "8", "listeners", "PLAINTEXT://0.0.0.0:9092", "log.dirs", "/elsewhere"));

        assertThat(props).containsEntry("num.io.threads", "8")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("log.dirs", LOG_DIR.toAbsolutePath().toString());
    }
}
