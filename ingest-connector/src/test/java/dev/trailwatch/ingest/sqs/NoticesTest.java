package dev.trailwatch.ingest.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.ingest.s3.S3ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoticesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2024/01/15/"
            + "111122223333_CloudTrail_eu-west-1_20240115T1005Z_AbC.json.gz";

    static final String CLOUDTRAIL = "{\"s3Bucket\":\"trail-bucket\",\"s3ObjectKey\":[\"" + KEY + "\",\"" + KEY.replace("AbC", "DeF") + "\"]}";
    static final String S3_EVENT = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"eu-west-1\","
            + "\"eventTime\":\"2024-01-15T10:05:31.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\","
            + "\"bucket\":{\"name\":\"trail-bucket\",\"arn\":\"arn:aws:s3:::trail-bucket\"},"
            + "\"object\":{\"key\":\"" + KEY.replace("AbC", "A+b%3DC") + "\",\"size\":1234}}}]}";
    static final String EVENTBRIDGE_OBJECT = "{\"version\":\"0\",\"id\":\"1\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\","
            + "\"account\":\"111122223333\",\"time\":\"2024-01-15T10:05:31Z\",\"region\":\"eu-west-1\",\"resources\":[\"arn:aws:s3:::trail-bucket\"],"
            + "\"detail\":{\"version\":\"0\",\"bucket\":{\"name\":\"trail-bucket\"},\"object\":{\"key\":\"" + KEY + "\",\"size\":1234},"
            + "\"reason\":\"PutObject\"}}";
    static final String API_CALL = "{\"version\":\"0\",\"id\":\"2\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.iam\","
            + "\"account\":\"111122223333\",\"time\":\"2024-01-15T10:05:31Z\",\"region\":\"us-east-1\",\"resources\":[],"
            + "\"detail\":{\"eventVersion\":\"1.09\",\"eventTime\":\"2024-01-15T10:05:31Z\",\"eventName\":\"CreateUser\","
            + "\"recipientAccountId\":\"111122223333\"}}";

    static String sns(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", "m-1");
        n.put("TopicArn", "arn:aws:sns:eu-west-1:111122223333:cloudtrail");
        n.put("Message", message);
        n.put("Timestamp", "2024-01-15T10:05:32.000Z");
        return n.toString();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsCloudTrailsOwnNotice(boolean viaSns) {
        Notice n = Notices.parse(viaSns ? sns(CLOUDTRAIL) : CLOUDTRAIL);

        assertThat(n).isEqualTo(new Notice.ObjectsCreated(List.of(new S3ObjectRef("trail-bucket", KEY),
                new S3ObjectRef("trail-bucket", KEY.replace("AbC", "DeF")))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsS3EventNotificationsAndDecodesTheirKeys(boolean viaSns) {
        Notice n = Notices.parse(viaSns ? sns(S3_EVENT) : S3_EVENT);

        assertThat(n).isEqualTo(new Notice.ObjectsCreated(List.of(
                new S3ObjectRef("trail-bucket", KEY.replace("AbC", "A b=C")))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsEventBridgeObjectCreated(boolean viaSns) {
        Notice n = Notices.parse(viaSns ? sns(EVENTBRIDGE_OBJECT) : EVENTBRIDGE_OBJECT);

        assertThat(n).isEqualTo(new Notice.ObjectsCreated(List.of(new S3ObjectRef("trail-bucket", KEY))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void passesEventBridgeCloudTrailEventsOnWhole(boolean viaSns) {
        Notice n = Notices.parse(viaSns ? sns(API_CALL) : API_CALL);

        assertThat(n).isInstanceOfSatisfying(Notice.CloudTrailEvent.class, e -> {
            assertThat(new String(e.eventJson(), StandardCharsets.UTF_8)).isEqualTo(API_CALL);
            assertThat(e.insight()).isFalse();
        });
    }

    @Test
    void ignoresTestEventsRemovalsAndOtherEventBridgeEvents() {
        String testEvent = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2024-01-15T10:00:00.000Z\","
                + "\"Bucket\":\"trail-bucket\",\"RequestId\":\"r\",\"HostId\":\"h\"}";

        assertThat(Notices.parse(testEvent)).isInstanceOf(Notice.Ignored.class);
        assertThat(Notices.parse(sns(testEvent))).isInstanceOf(Notice.Ignored.class);
        assertThat(Notices.parse(S3_EVENT.replace("ObjectCreated:Put", "ObjectRemoved:Delete"))).isInstanceOf(Notice.Ignored.class);
        assertThat(Notices.parse(EVENTBRIDGE_OBJECT.replace("Object Created", "Object Deleted"))).isInstanceOf(Notice.Ignored.class);
    }

    @Test
    void reportsWhatItCannotRead() {
        assertThat(Notices.parse("not json")).isInstanceOf(Notice.Unrecognized.class);
        assertThat(Notices.parse("[1,2]")).isInstanceOf(Notice.Unrecognized.class);
        assertThat(Notices.parse("{\"hello\":\"world\"}")).isInstanceOf(Notice.Unrecognized.class);
        assertThat(Notices.parse("{\"Records\":[{\"eventName\":\"ConsoleLogin\"}]}")).isInstanceOf(Notice.Unrecognized.class);
        assertThat(Notices.parse(sns("{oops"))).isInstanceOf(Notice.Unrecognized.class);
    }
}
