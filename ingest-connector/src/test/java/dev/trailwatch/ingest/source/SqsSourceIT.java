package dev.trailwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The SQS path against ElasticMQ and S3Mock: every notice format, raw and via SNS; deletion only after acks. */
class SqsSourceIT {

    static final int S3_PORT = AwsFakes.freePort();
    static final int SQS_PORT = AwsFakes.freePort();
    static final String BUCKET = "trail";
    static final String DAY = "AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2024/01/15/";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().withSecureConnection(false)
            .withHttpPort(S3_PORT).withProperty("server.address", "127.0.0.1").withInitialBuckets(BUCKET).build();

    static SQSRestServer elasticMq;
    static S3Client s3;
    static SqsClient sqs;
    String queue;
    CompletableFuture<Void> running;
    SqsSource source;

    @BeforeAll
    static void start() {
        elasticMq = AwsFakes.startElasticMq(SQS_PORT);
        s3 = AwsFakes.s3(S3_PORT);
        sqs = AwsFakes.sqs(SQS_PORT);
        for (String name : List.of("a", "b", "c", "d", "e", "f", "g")) {
            String json = "{\"Records\":[{\"eventID\":\"" + name + "-0\",\"recipientAccountId\":\"111122223333\"},"
                    + "{\"eventID\":\"" + name + "-1\",\"recipientAccountId\":\"111122223333\"}]}";
            s3.putObject(b -> b.bucket(BUCKET).key(key(name)), RequestBody.fromString(json));
        }
    }

    @AfterAll
    static void stop() {
        sqs.close();
        s3.close();
        elasticMq.stopAndWait();
    }

    @BeforeEach
    void newQueue(org.junit.jupiter.api.TestInfo info) {
        queue = sqs.createQueue(b -> b.queueName(info.getTestMethod().orElseThrow().getName())).queueUrl();
    }

    @AfterEach
    void stopSource() {
        if (source != null) {
            source.stop();
            running.join();
        }
    }

    static String key(String name) {
        return DAY + "111122223333_CloudTrail_eu-west-1_20240115T1005Z_" + name + " x.json";
    }

    static String sns(String message) {
        return JSON.createObjectNode().put("Type", "Notification").put("MessageId", "sns-1")
                .put("TopicArn", "arn:aws:sns:eu-west-1:111122223333:t").put("Message", message).toString();
    }

    static String cloudTrailNotice(String name) {
        return "{\"s3Bucket\":\"" + BUCKET + "\",\"s3ObjectKey\":[\"" + key(name) + "\"]}";
    }

    static String s3Event(String name) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"" + BUCKET + "\"},\"object\":{\"key\":\"" + key(name).replace(" ", "+") + "\"}}}]}";
    }

    static String objectCreated(String name) {
        return "{\"version\":\"0\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":"
                + "{\"bucket\":{\"name\":\"" + BUCKET + "\"},\"object\":{\"key\":\"" + key(name) + "\"}}}";
    }

    static String apiCall(String id) {
        return "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.iam\","
                + "\"account\":\"111122223333\",\"detail\":{\"eventID\":\"" + id + "\",\"recipientAccountId\":\"111122223333\","
                + "\"eventTime\":\"2024-01-15T10:05:31Z\"}}";
    }

    void send(String... bodies) {
        for (String body : bodies) {
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body));
        }
    }

    void startSource(CollectingEmitter out, int visibilitySeconds) {
        source = new SqsSource(sqs, s3, new SqsSource.Polling(List.of(queue), 1, 10, visibilitySeconds, false),
                new Routing("cloudtrail.events", null), new CloudTrailFileReader());
        running = CompletableFuture.runAsync(() -> {
            try {
                source.run(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    int messagesLeft() {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void readsEveryNoticeFormatRawAndViaSnsAndEventBridgeEvents() {
        send(cloudTrailNotice("a"), sns(cloudTrailNotice("b")), s3Event("c"), sns(s3Event("d")),
                objectCreated("e"), sns(objectCreated("f")), apiCall("api-1"), sns(apiCall("api-2")),
                "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}", "garbage");
        CollectingEmitter out = new CollectingEmitter(true);

        startSource(out, 30);

        await().atMost(Duration.ofSeconds(30)).until(() -> out.records.size() == 14 && messagesLeft() == 0);
        assertThat(out.eventIds()).containsExactlyInAnyOrder("a-0", "a-1", "b-0", "b-1", "c-0", "c-1", "d-0", "d-1",
                "e-0", "e-1", "f-0", "f-1", "api-1", "api-2");
        assertThat(out.rejections).singleElement().asString().contains("not JSON");
        IngestRecord fromS3 = out.records.stream().filter(r -> r.headers().get(RecordHeaders.SOURCE).equals("s3"))
                .findFirst().orElseThrow();
        assertThat(fromS3.headers()).containsEntry(RecordHeaders.BUCKET, BUCKET).containsEntry(RecordHeaders.QUEUE, queue)
                .containsKeys(RecordHeaders.OBJECT, RecordHeaders.MESSAGE);
        IngestRecord api = out.records.stream().filter(r -> r.headers().get(RecordHeaders.SOURCE).equals("eventbridge"))
                .findFirst().orElseThrow();
        assertThat(new String(api.record().json())).startsWith("{\"eventID\":\"api-");
        assertThat(api.record().eventTimeMillis()).isPositive();
    }

    @Test
    void deletesAMessageOnlyAfterEveryRecordIsAcknowledgedAndKeepsItInvisibleMeanwhile() {
        send(cloudTrailNotice("g"));
        CollectingEmitter out = new CollectingEmitter(false);

        startSource(out, 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> out.records.size() == 2);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> messagesLeft() == 1 && out.records.size() == 2);
        out.records.get(0).committed();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> messagesLeft() == 1);
        out.records.get(1).committed();
        await().atMost(Duration.ofSeconds(10)).until(() -> messagesLeft() == 0);
    }
}
