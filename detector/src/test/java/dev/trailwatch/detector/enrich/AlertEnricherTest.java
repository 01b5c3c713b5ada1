package dev.trailwatch.detector.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.AccountInfoSerde;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.baseline.BaselineHarness;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.model.IpLocation;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
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

/** The context step in front of every alert sink: account name, OU and tags; the human; the source location. */
class AlertEnricherTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String PROD = "111122223333";
    private static final String LAKE = "444455556666";

    @Test
    void namesAlertsOfAnyRuleFromTheConfigurationOrTheAccountsTopic() {
        List<Alert> out = run(GeoIp.off(), accounts -> accounts.pipeInput(LAKE, bytes("{\"name\": \"data-lake\"}")),
                alert(PROD, null, "arn:aws:iam::" + PROD + ":user/alice", "198.51.100.7"),
                alert(LAKE, null, "arn:aws:iam::" + LAKE + ":user/alice", "198.51.100.7"),
                alert("777788889999", null, "arn:aws:iam::777788889999:user/alice", "198.51.100.7"),
                alert(LAKE, "set-by-its-detector", "arn:aws:iam::" + LAKE + ":user/alice", "198.51.100.7"));

        assertThat(out).extracting(Alert::accountName)
                .containsExactly("prod-payments", "data-lake", null, "set-by-its-detector");
    }

    @Test
    void addsTheAccountsOuAndTagsFromTheAccountsTopicInEitherTagForm() {
        List<Alert> out = run(GeoIp.off(), accounts -> {
            accounts.pipeInput(LAKE, bytes("{\"name\": \"data-lake\", \"ou\": \"Workloads/Analytics\", "
                    + "\"tags\": [{\"Key\": \"owner\", \"Value\": \"data-team\"}, {\"Key\": \"env\", \"Value\": \"prod\"}]}"));
            accounts.pipeInput(PROD, bytes("{\"ou\": \"Workloads/Prod\", \"tags\": {\"cost-center\": 4711}}"));
        }, alert(LAKE, null, "arn:aws:iam::" + LAKE + ":user/alice", "198.51.100.7"),
                alert(PROD, null, "arn:aws:iam::" + PROD + ":user/alice", "198.51.100.7"));

        AlertContext.Account lake = out.get(0).context().account();
        assertThat(lake.name()).isEqualTo("data-lake");
        assertThat(lake.ou()).isEqualTo("Workloads/Analytics");
        assertThat(lake.tags().toString()).isEqualTo("{\"owner\":\"data-team\",\"env\":\"prod\"}");
        AlertContext.Account prod = out.get(1).context().account();
        // The configured name wins over the topic's (which has none here); the topic still gives OU and tags.
        assertThat(prod.name()).isEqualTo("prod-payments");
        assertThat(prod.ou()).isEqualTo("Workloads/Prod");
        assertThat(prod.tags().toString()).isEqualTo("{\"cost-center\":\"4711\"}");
    }

    @Test
    void anAlertAfterTheAccountsTopicUpdatesAnEntryCarriesTheNewEntry() {
        Alert lake = alert(LAKE, null, "arn:aws:iam::" + LAKE + ":user/alice", "198.51.100.7");
        List<Alert> out = run(GeoIp.off(), (accounts, in) -> {
            accounts.pipeInput(LAKE, bytes("{\"name\": \"data-lake\", \"ou\": \"Workloads/Analytics\"}"));
            in.pipeInput(LAKE, lake);
            accounts.pipeInput(LAKE, bytes("{\"name\": \"lakehouse\", \"ou\": \"Workloads/Data\", "
                    + "\"tags\": {\"owner\": \"data-team\"}}"));
            in.pipeInput(LAKE, lake);
            in.pipeInput(LAKE, lake);
            accounts.pipeInput(LAKE, null);
            in.pipeInput(LAKE, lake);
        });

        assertThat(out).extracting(Alert::accountName).containsExactly("data-lake", "lakehouse", "lakehouse", null);
        assertThat(out.get(0).context().account().ou()).isEqualTo("Workloads/Analytics");
        assertThat(out.get(0).context().account().tags()).isNull();
        assertThat(out.get(2).context().account().ou()).isEqualTo("Workloads/Data");
        assertThat(out.get(2).context().account().tags().toString()).isEqualTo("{\"owner\":\"data-team\"}");
        assertThat(out.get(3).context().account()).as("the entry deleted: nothing known of the account").isNull();
    }

    @Test
    void namesTheHumanBehindIdentityCenterFederatedAndSourceIdentitySessions() {
        Alert sso = alert(PROD, null, "arn:aws:sts::" + PROD
                + ":assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com", null);
        Alert federated = alert(PROD, null, "arn:aws:sts::" + PROD + ":assumed-role/okta-admins/bob@example.com", null);
        Alert chained = alert(PROD, null, "arn:aws:sts::" + PROD + ":assumed-role/deployer/botocore-session-17", null)
                .withContext(new AlertContext(null, new AlertContext.Actor(null, null, null, null, "carol", null,
                        null), null));
        Alert service = alert("777788889999", null, "ec2.amazonaws.com", "ec2.amazonaws.com");

        List<Alert> out = run(GeoIp.off(), accounts -> { }, sso, federated, chained, service);

        AlertContext.Actor ssoActor = out.get(0).context().actor();
        assertThat(ssoActor.human()).isEqualTo("alice@example.com");
        assertThat(ssoActor.humanFrom()).isEqualTo("identityCenter");
        assertThat(ssoActor.identityCenterUser()).isEqualTo("alice@example.com");
        assertThat(ssoActor.role()).isEqualTo("AWSReservedSSO_AdministratorAccess_0123456789abcdef");
        assertThat(out.get(1).context().actor())
                .isEqualTo(new AlertContext.Actor("bob@example.com", "sessionName", "okta-admins", "bob@example.com",
                        null, null, null));
        AlertContext.Actor chainedActor = out.get(2).context().actor();
        assertThat(chainedActor.human()).isEqualTo("carol");
        assertThat(chainedActor.humanFrom()).isEqualTo("sourceIdentity");
        assertThat(chainedActor.sessionName()).isEqualTo("botocore-session-17");
        // An AWS service acting: no human, no location, an account nobody named: no context at all.
        assertThat(out.get(3).context()).isNull();
    }

    @Test
    void locatesTheSourceIpInTheConfiguredDatabases() {
        GeoIp geoIp = GeoIp.open(GeoIpDatabases.country().toString(), GeoIpDatabases.asn().toString());

        List<Alert> out = run(geoIp, accounts -> { },
                alert(PROD, null, "arn:aws:iam::" + PROD + ":user/alice", "85.214.132.117"),
                alert(PROD, null, "arn:aws:iam::" + PROD + ":user/alice", "AWS Internal"),
                alert(PROD, null, "arn:aws:iam::" + PROD + ":user/alice", "10.0.0.8"));

        assertThat(out.get(0).context().source()).isEqualTo(new IpLocation("DE", 6724L, "Strato AG"));
        assertThat(out.get(1).context().source()).isNull();
        assertThat(out.get(2).context().source()).isNull();
    }

    @Test
    void takesTheSourceIdentityAndIdentityCenterUserIdFromTheTriggeringEvent() {
        TestEvents stop = TestEvents.stopLogging(T0);
        ObjectNode id = stop.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLEROLE00001:botocore-session-1");
        id.put("arn", "arn:aws:sts::" + TestEvents.ACCOUNT + ":assumed-role/deployer/botocore-session-1");
        id.put("accountId", TestEvents.ACCOUNT);
        ObjectNode session = id.putObject("sessionContext");
        session.putObject("sessionIssuer").put("type", "Role")
                .put("arn", "arn:aws:iam::" + TestEvents.ACCOUNT + ":role/deployer");
        session.put("sourceIdentity", "dana@example.com");
        id.putObject("onBehalfOf").put("userId", "94482488-3041-7026-18f3-be45837cd0e4");

        try (TopologyHarness topology = new TopologyHarness()) {
            topology.pipe(stop);
            Alert alert = topology.alertValues().stream()
                    .filter(a -> a.ruleId().equals("cloudtrail-logging-stopped")).findFirst().orElseThrow();

            assertThat(alert.context().actor()).isEqualTo(new AlertContext.Actor("dana@example.com", "sourceIdentity",
                    "deployer", "botocore-session-1", "dana@example.com", null,
                    "94482488-3041-7026-18f3-be45837cd0e4"));
        }
    }

    private static List<Alert> run(GeoIp geoIp, Consumer<TestInputTopic<String, byte[]>> accountsTopic,
                                   Alert... alerts) {
        return run(geoIp, (accounts, in) -> {
            accountsTopic.accept(accounts);
            for (Alert alert : alerts) {
                in.pipeInput(alert.accountId(), alert);
            }
        });
    }

    /** The enricher over what {@code steps} writes to the accounts topic and the alerts, in that order. */
    private static List<Alert> run(GeoIp geoIp,
                                   BiConsumer<TestInputTopic<String, byte[]>, TestInputTopic<String, Alert>> steps) {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("accounts.known", PROD + "=prod-payments"));
        StreamsBuilder builder = new StreamsBuilder();
        builder.globalTable("trailwatch.accounts", Consumed.with(Serdes.String(), new AccountInfoSerde()),
                Materialized.<String, AccountInfo, KeyValueStore<Bytes, byte[]>>as(KnownAccounts.STORE));
        JacksonSerde<Alert> serde = JacksonSerde.json(Alert.class);
        builder.stream("in", Consumed.with(Serdes.String(), serde))
                .processValues(AlertEnricher.supplier(new KnownAccounts(config.get(BaselineSettings.KNOWN_ACCOUNTS),
                        KnownAccounts.STORE), geoIp), Named.as("enrich-alerts"))
                .to("out", Produced.with(Serdes.String(), serde));
        Path stateDir = BaselineHarness.tempDir();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "alert-enricher-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, byte[]> accounts = driver.createInputTopic("trailwatch.accounts",
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());
            TestInputTopic<String, Alert> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    serde.serializer());
            TestOutputTopic<String, Alert> out = driver.createOutputTopic("out", Serdes.String().deserializer(),
                    serde.deserializer());
            steps.accept(accounts, in);
            return out.readValuesToList();
        } finally {
            BaselineHarness.deleteRecursively(stateDir);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Alert alert(String account, String name, String principal, String sourceIp) {
        return Alert.builder().alertId("id").ruleId("cloudtrail-logging-stopped").title("t").description("d")
                .severity(Severity.HIGH).accountId(account).accountName(name).region("us-east-1")
                .principal(principal).sourceIp(sourceIp).eventName("StopLogging")
                .eventSource("cloudtrail.amazonaws.com").eventIds(List.of("e1")).eventCount(1).firstEventTime(T0)
                .lastEventTime(T0).detectedAt(T0).mitre(List.of("T1562.008")).runbook("r").build();
    }
}
