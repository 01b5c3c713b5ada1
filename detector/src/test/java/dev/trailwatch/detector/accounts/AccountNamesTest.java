package dev.trailwatch.detector.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.baseline.BaselineHarness;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The account-name step the topology can put after the merge: any alert gets its account's name where known. */
class AccountNamesTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void namesAlertsOfAnyRuleFromTheConfigurationOrTheAccountsTopic() {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("accounts.known", "111122223333=prod-payments"));
        StreamsBuilder builder = new StreamsBuilder();
        builder.globalTable("trailwatch.accounts", Consumed.with(Serdes.String(), new AccountInfoSerde()),
                Materialized.<String, AccountInfo, KeyValueStore<Bytes, byte[]>>as(KnownAccounts.STORE));
        JacksonSerde<Alert> alerts = JacksonSerde.json(Alert.class);
        builder.stream("in", Consumed.with(Serdes.String(), alerts))
                .processValues(AccountNames.supplier(
                        new KnownAccounts(config.get(BaselineSettings.KNOWN_ACCOUNTS), KnownAccounts.STORE)), Named.as("name-accounts"))
                .to("out", Produced.with(Serdes.String(), alerts));
        Path stateDir = BaselineHarness.tempDir();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "account-names-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, byte[]> accounts = driver.createInputTopic("trailwatch.accounts",
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());
            accounts.pipeInput("444455556666", "{\"name\": \"data-lake\"}".getBytes(StandardCharsets.UTF_8));
            TestInputTopic<String, Alert> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    alerts.serializer());
            TestOutputTopic<String, Alert> out = driver.createOutputTopic("out", Serdes.String().deserializer(),
                    alerts.deserializer());
            in.pipeInput("111122223333", alert("111122223333", null));
            in.pipeInput("444455556666", alert("444455556666", null));
            in.pipeInput("777788889999", alert("777788889999", null));
            in.pipeInput("444455556666", alert("444455556666", "set-by-its-detector"));

            assertThat(out.readValuesToList()).extracting(Alert::accountName)
                    .containsExactly("prod-payments", "data-lake", null, "set-by-its-detector");
        } finally {
            BaselineHarness.deleteRecursively(stateDir);
        }
    }

    private static Alert alert(String account, String name) {
        return Alert.builder().alertId("id").ruleId("cloudtrail-logging-stopped").title("t").description("d")
                .severity(Severity.HIGH).accountId(account).accountName(name).region("us-east-1")
                .principal("arn:aws:iam::" + account + ":user/alice").eventName("StopLogging")
                .eventSource("cloudtrail.amazonaws.com").eventIds(List.of("e1")).eventCount(1).firstEventTime(T0)
                .lastEventTime(T0).detectedAt(T0).mitre(List.of("T1562.008")).runbook("r").build();
    }
}
