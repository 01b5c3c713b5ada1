package dev.trailwatch.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code trailwatch-ingest} fails fast naming what to fix, and stops cleanly (exit 0) on SIGTERM and Ctrl-C. */
class IngestFailFastIT {

    @TempDir
    Path dir;
    final StringWriter err = new StringWriter();

    private int cli(String... args) {
        return IngestCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void reportsAnUnreachableBrokerWithin15SecondsNamingTheServers() throws IOException {
        Path trail = Files.writeString(dir.resolve("trail.json"), "{\"Records\": []}");
        String servers = "127.0.0.1:" + freePort();

        long start = System.nanoTime();
        int code = cli("files", trail.toString(), "-b", servers);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        System.out.printf("MEASURED ingest: unreachable broker reported after %d ms%n", took.toMillis());
        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(err.toString()).startsWith("trailwatch-ingest: cannot reach Kafka at " + servers
                + " (--bootstrap-servers)").contains("connection refused").doesNotContain("cloudtrail.events")
                .doesNotContain("Exception");
    }

    @Test
    void aMissingProducerConfigIsAUserErrorBeforeConnecting() throws IOException {
        Path trail = Files.writeString(dir.resolve("trail.json"), "{\"Records\": []}");

        long start = System.nanoTime();
        int code = cli("files", trail.toString(), "-b", "127.0.0.1:" + freePort(),
                "--producer-config", dir.resolve("client.properties").toString());

        assertThat(code).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(err.toString()).isEqualTo("trailwatch-ingest: --producer-config " + dir.resolve("client.properties")
                + ": no such file" + System.lineSeparator());
    }

    @Test
    void aBadClientSettingIsAUserError() throws IOException {
        Path trail = Files.writeString(dir.resolve("trail.json"), "{\"Records\": []}");

        int code = cli("files", trail.toString(), "-b", "127.0.0.1:" + freePort(),
                "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanism=SCRAM-SHA-512");

        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).startsWith("trailwatch-ingest: bad Kafka client setting").contains("sasl.jaas.config");
    }

    @Test
    void sqsStopsCleanlyWithExitZeroOnSigtermAndCtrlC() throws Exception {
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("log.cleaner.dedupe.buffer.size", "4194304");
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
        int sqsPort = freePort();
        SQSRestServer elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(sqsPort).start();
        try (SqsClient sqs = SqsClient.builder().region(Region.EU_WEST_1)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:" + sqsPort))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            elasticMq.waitUntilStarted();
            // the fixture is dated 2024: a topic that keeps records forever, as a backfill topic would
            kafka.createTopic("cloudtrail.events", 1, 1, Map.of("retention.ms", "-1"));
            String queue = sqs.createQueue(b -> b.queueName("trail-notices")).queueUrl();
            for (String signal : List.of("TERM", "INT")) {
                Path log = dir.resolve("ingest-" + signal + ".log");
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody(CONSOLE_LOGIN_VIA_EVENTBRIDGE));
                Process ingest = startIngest(log, kafka.bootstrapServers(), sqsPort, queue);
                try {
                    awaitQueueDrained(sqs, queue, ingest, log); // started, past the Kafka check, polling
                    new ProcessBuilder("kill", "-" + signal, Long.toString(ingest.pid())).start().waitFor();
                    assertThat(ingest.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(ingest.exitValue()).as(read(log)).isZero();
                    assertThat(read(log)).contains("trailwatch-ingest: 1 records to cloudtrail.events");
                } finally {
                    ingest.destroyForcibly();
                }
            }
        } finally {
            elasticMq.stopAndWait();
            kafka.stop();
        }
    }

    private static final String CONSOLE_LOGIN_VIA_EVENTBRIDGE = """
            {"version": "0", "id": "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
             "detail-type": "AWS Console Sign In via CloudTrail", "source": "aws.signin", "account": "111122223333",
             "time": "2024-01-15T10:00:00Z", "region": "us-east-1", "resources": [],
             "detail": {"eventVersion": "1.08", "eventTime": "2024-01-15T10:00:00Z", "eventSource": "signin.amazonaws.com",
               "eventName": "ConsoleLogin", "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.7",
               "eventID": "3c5d4a51-0d4b-4c53-9f1e-2b4d0e0c9a11", "recipientAccountId": "111122223333",
               "userIdentity": {"type": "IAMUser", "accountId": "111122223333", "userName": "alice"},
               "responseElements": {"ConsoleLogin": "Success"}}}
            """;

    /** Waits until the ingest process has taken the message and deleted it (its record is in Kafka). */
    private static void awaitQueueDrained(SqsClient sqs, String queue, Process ingest, Path log) {
        Awaitility.await("the message taken by " + log).atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    assertThat(ingest.isAlive()).as(() -> read(log)).isTrue();
                    var attributes = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNamesWithStrings(
                            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                            .attributesAsStrings();
                    return "0".equals(attributes.get("ApproximateNumberOfMessages"))
                            && "0".equals(attributes.get("ApproximateNumberOfMessagesNotVisible"));
                });
    }

    private Process startIngest(Path log, String bootstrap, int sqsPort, String queue) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                IngestCli.class.getName(), "sqs", "-q", queue, "--wait-seconds", "1",
                "--aws-endpoint", "http://127.0.0.1:" + sqsPort, "--aws-region", "eu-west-1", "-b", bootstrap)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", "test");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        return builder.start();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
