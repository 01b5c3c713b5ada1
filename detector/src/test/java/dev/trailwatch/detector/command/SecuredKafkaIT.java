package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TrailWatchApp;
import dev.trailwatch.detector.embedded.EmbeddedKafka;
import dev.trailwatch.ingest.cli.IngestCli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwatch run} and {@code trailwatch-ingest}, as processes, against a broker that only lets them in over
 * SASL_SSL with SCRAM-SHA-512 or over mutual TLS, with a CA and certificates made by the test: a CloudTrail record
 * goes in through the ingest CLI and its alert comes out; the Connect plugin delivers over both listeners too. A
 * wrong password fails fast with a clear message and
 * exit 2. No password ever appears in a log line or a message of either process.
 */
class SecuredKafkaIT {

    static final String SCRAM_USER = "trailwatch-detector";
    static final String SCRAM_PASSWORD = "scram-S3cret-7f1c";
    static final String STORE_PASSWORD = "store-S3cret-92ab";
    static final String CLIENT_STORE_PASSWORD = "client-S3cret-4d0e";
    static final String WRONG_PASSWORD = "wrong-S3cret-0000";
    static final List<String> SECRETS = List.of(SCRAM_PASSWORD, STORE_PASSWORD, CLIENT_STORE_PASSWORD, WRONG_PASSWORD);

    static EmbeddedKafka kafka;
    static TestCertificates certificates;
    static Path ca;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        certificates = new TestCertificates(shared.resolve("pki"));
        ca = certificates.caPem();
        Path brokerStore = certificates.keyStore("broker", true, STORE_PASSWORD);
        Map<String, String> broker = new HashMap<>();
        for (String listener : List.of("scram", "mtls")) {
            String prefix = "listener.name." + listener + ".";
            broker.put(prefix + "ssl.keystore.type", "PKCS12");
            broker.put(prefix + "ssl.keystore.location", brokerStore.toString());
            broker.put(prefix + "ssl.keystore.password", STORE_PASSWORD);
            broker.put(prefix + "ssl.key.password", STORE_PASSWORD);
        }
        broker.put("listener.name.scram.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        broker.put("listener.name.scram.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        broker.put("listener.name.mtls.ssl.client.auth", "required");
        broker.put("listener.name.mtls.ssl.truststore.type", "PEM");
        broker.put("listener.name.mtls.ssl.truststore.location", ca.toString());
        kafka = EmbeddedKafka.start(shared.resolve("kafka"), broker, Map.of("SCRAM", "SASL_SSL", "MTLS", "SSL"));
        kafka.admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SCRAM_USER,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), SCRAM_PASSWORD))).all()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    static Map<String, String> scram(String password) {
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + SCRAM_USER + "\" password=\"" + password + "\";",
                "ssl.truststore.type", "PEM", "ssl.truststore.location", ca.toString());
    }

    static Map<String, String> mtls() throws Exception {
        Path store = certificates.keyStore("trailwatch-detector", false, CLIENT_STORE_PASSWORD);
        return Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM",
                "ssl.truststore.location", ca.toString(), "ssl.keystore.type", "PKCS12",
                "ssl.keystore.location", store.toString(), "ssl.keystore.password", CLIENT_STORE_PASSWORD);
    }

    @Test
    void detectsOverSaslSslWithScramSha512() throws Exception {
        alertsFlowThrough("scram", kafka.bootstrapServers("SCRAM"), scram(SCRAM_PASSWORD));
    }

    @Test
    void detectsOverMutualTls() throws Exception {
        alertsFlowThrough("mtls", kafka.bootstrapServers("MTLS"), mtls());
    }

    @Test
    void theConnectorDeliversOverScramAndOverMutualTls() throws Exception {
        connectorDelivers("scram", kafka.bootstrapServers("SCRAM"), scram(SCRAM_PASSWORD));
        connectorDelivers("mtls", kafka.bootstrapServers("MTLS"), mtls());
    }

    /**
     * The ingest connector in an in-process Connect worker (standalone) whose own clients and whose tasks' producer
     * use the secured listener, reading a trail folder into a topic: the record arrives, read back over the same
     * listener.
     */
    private void connectorDelivers(String name, String servers, Map<String, String> security) throws Exception {
        Path trails = Files.createDirectories(dir.resolve("connect-" + name));
        Files.writeString(trails.resolve("trail.json"), STOP_LOGGING);
        String topic = name + ".connect.events";
        kafka.createTopic(topic, 1, Map.of());
        Map<String, String> worker = new HashMap<>(security);
        security.forEach((key, value) -> worker.put("producer." + key, value));
        worker.put("bootstrap.servers", servers);
        worker.put("plugin.discovery", "service_load");
        worker.put("listeners", "http://127.0.0.1:" + freePort());
        worker.put("offset.storage.file.filename", dir.resolve("connect-" + name + ".offsets").toString());
        worker.put("offset.flush.interval.ms", "500");
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(worker);
        try {
            FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
            connect.herder().putConnectorConfig("cloudtrail-files-" + name, Map.of(
                    "name", "cloudtrail-files-" + name,
                    "connector.class", "dev.trailwatch.ingest.connect.CloudTrailSourceConnector",
                    "tasks.max", "1", "source.type", "files", "files.paths", trails.toString(),
                    "poll.interval.ms", "1000", "topic", topic,
                    "header.converter", "org.apache.kafka.connect.storage.SimpleHeaderConverter"), false, created);
            created.get(60, TimeUnit.SECONDS);

            List<String> records = readAlerts(servers, security, topic);
            assertThat(records).singleElement().satisfies(record -> assertThat(record).contains("\"StopLogging\"")
                    .contains("0e3f6c1a-9d2b-4f7e-8c5a-1b2d3e4f5a6b"));
        } finally {
            connect.stop();
        }
    }

    @Test
    void aWrongScramPasswordFailsFastWithExit2AndNeverShowsThePassword() throws Exception {
        Map<String, String> wrong = scram(WRONG_PASSWORD);
        Path detectorConfig = detectorConfig("wrong", kafka.bootstrapServers("SCRAM"), wrong, freePort());

        // In this JVM for the timing (a process would add its JVM start on a busy machine) ...
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = TrailWatchApp.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        long start = System.nanoTime();
        int code = cli.execute("run", "--config", detectorConfig.toString(), "-D",
                "kafka.state.dir=" + dir.resolve("state-wrong"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("MEASURED wrong SCRAM password reported after %d ms%n", took.toMillis());
        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(err.toString()).startsWith("trailwatch: Kafka at " + kafka.bootstrapServers("SCRAM")
                + " (kafka.bootstrap.servers) refused authentication").contains("SCRAM-SHA-512");

        // ... and as a process, for everything it logs.
        Process run = detector(detectorConfig, dir.resolve("run-wrong.log"));
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String runLog = Files.readString(dir.resolve("run-wrong.log"));
        assertThat(run.exitValue()).as(runLog).isEqualTo(2);
        assertThat(runLog).contains("refused authentication");

        Process ingest = ingest(clientConfig("wrong", wrong), kafka.bootstrapServers("SCRAM"), "wrong.events",
                dir.resolve("ingest-wrong.log"));
        assertThat(ingest.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String ingestLog = Files.readString(dir.resolve("ingest-wrong.log"));
        assertThat(ingest.exitValue()).as(ingestLog).isEqualTo(2);
        assertThat(ingestLog).contains("refused authentication");
        assertNoSecrets(err + runLog + ingestLog);
    }

    private void alertsFlowThrough(String name, String servers, Map<String, String> security) throws Exception {
        int metricsPort = freePort();
        Path runLog = dir.resolve("run-" + name + ".log");
        Process run = detector(detectorConfig(name, servers, security, metricsPort), runLog);
        try {
            awaitReady(run, metricsPort, runLog);
            Path trail = Files.writeString(dir.resolve("trail.json"), STOP_LOGGING);
            Path ingestLog = dir.resolve("ingest-" + name + ".log");
            Process ingest = ingest(clientConfig(name, security), servers, name + ".events", ingestLog, trail);
            assertThat(ingest.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(ingest.exitValue()).as(() -> read(ingestLog)).isZero();

            List<String> alerts = readAlerts(servers, security, name + ".alerts");
            assertThat(alerts).anySatisfy(alert -> assertThat(alert).contains("\"ruleId\":\"cloudtrail-logging-stopped\"")
                    .contains("arn:aws:iam::111122223333:user/mallory"));

            new ProcessBuilder("kill", "-TERM", Long.toString(run.pid())).start().waitFor();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(() -> read(runLog)).isZero();
            assertNoSecrets(read(runLog) + read(ingestLog));
        } finally {
            run.destroyForcibly();
        }
    }

    private List<String> readAlerts(String servers, Map<String, String> security, String topic) {
        Properties props = new Properties();
        props.putAll(security);
        props.put("bootstrap.servers", servers);
        props.put("group.id", "secured-it-" + topic);
        props.put("auto.offset.reset", "earliest");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        List<String> alerts = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (alerts.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    alerts.add(record.value());
                }
            }
        }
        return alerts;
    }

    private Path detectorConfig(String name, String servers, Map<String, String> security, int metricsPort)
            throws IOException {
        StringBuilder text = new StringBuilder("kafka.bootstrap.servers=" + servers + "\n");
        security.forEach((key, value) -> text.append("kafka.").append(key).append('=').append(escape(value))
                .append('\n'));
        text.append("application.id=secured-").append(name).append('\n')
                .append("topic.events=").append(name).append(".events\n")
                .append("topic.alerts=").append(name).append(".alerts\n")
                .append("topic.dlq=").append(name).append(".dlq\n")
                .append("topic.accounts=").append(name).append(".accounts\n")
                .append("topic.partitions=1\n")
                .append("metrics.host=127.0.0.1\nmetrics.port=").append(metricsPort).append('\n');
        return Files.writeString(dir.resolve("detector-" + name + ".properties"), text);
    }

    private Path clientConfig(String name, Map<String, String> security) throws IOException {
        StringBuilder text = new StringBuilder();
        security.forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
        return Files.writeString(dir.resolve("client-" + name + ".properties"), text);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    private Process detector(Path config, Path log) throws IOException {
        Path childTemp = Files.createDirectories(dir.resolve("child-tmp"));
        ProcessBuilder builder = new ProcessBuilder(java(), "-Djava.io.tmpdir=" + childTemp,
                "-cp", System.getProperty("java.class.path"), TrailWatchApp.class.getName(), "run",
                "--config", config.toString(), "--create-topics", "--replication-factor", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        builder.environment().keySet().removeIf(n -> n.startsWith("TRAILWATCH_") || n.startsWith("KAFKA_"));
        return builder.start();
    }

    private Process ingest(Path clientConfig, String servers, String topic, Path log, Path... files)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                IngestCli.class.getName(), "files"));
        if (files.length == 0) {
            command.add(Files.writeString(dir.resolve("empty.json"), "{\"Records\": []}").toString());
        }
        for (Path file : files) {
            command.add(file.toString());
        }
        command.addAll(List.of("-b", servers, "-t", topic, "--producer-config", clientConfig.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void assertNoSecrets(String output) {
        for (String secret : SECRETS) {
            assertThat(output).as("no secret in logs or messages").doesNotContain(secret);
        }
    }

    private static void awaitReady(Process run, int port, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build();
        Awaitility.await("/ready of " + log).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    assertThat(run.isAlive()).as(() -> read(log)).isTrue();
                    return http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                });
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static final String STOP_LOGGING = """
            {"Records": [{"eventVersion": "1.08",
              "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLEMALLORY01",
                "arn": "arn:aws:iam::111122223333:user/mallory", "accountId": "111122223333", "userName": "mallory"},
              "eventTime": "2024-01-15T10:00:00Z", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
              "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli/2.15.0",
              "requestParameters": {"name": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"},
              "responseElements": null, "requestID": "5f0c1b6e-4a2b-4c8e-9a51-0b8f1d2e3c4d",
              "eventID": "0e3f6c1a-9d2b-4f7e-8c5a-1b2d3e4f5a6b", "readOnly": false, "eventType": "AwsApiCall",
              "managementEvent": true, "recipientAccountId": "111122223333", "eventCategory": "Management"}]}
            """;
}
