package dev.trailwatch.ingest.sqs;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.ingest.s3.S3ObjectRef;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses SQS message bodies. Three notice formats announce new log files, each raw or wrapped in an SNS envelope
 * ({@code "Type": "Notification"} with the notice as the {@code Message} string):
 * <ul>
 *   <li>CloudTrail's own: {@code {"s3Bucket": "b", "s3ObjectKey": ["AWSLogs/..."]}};</li>
 *   <li>S3 event notifications: {@code {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
 *       "s3": {"bucket": {"name"}, "object": {"key"}}}]}}, keys URL-encoded; {@code s3:TestEvent} is ignored;</li>
 *   <li>EventBridge {@code "detail-type": "Object Created"} from {@code aws.s3} (keys as they are).</li>
 * </ul>
 * An EventBridge event whose {@code detail-type} ends in {@code "via CloudTrail"} is a CloudTrail record itself.
 */
public final class Notices {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Notices() {
    }

    public static Notice parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return new Notice.Unrecognized("message body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return new Notice.Unrecognized("message body is not a JSON object");
        }
        if ("Notification".equals(root.path("Type").asText()) && root.path("Message").isTextual()) {
            String message = root.path("Message").asText();
            try {
                JsonNode inner = JSON.readTree(message);
                return inner != null && inner.isObject() ? parseNotice(inner, message)
                        : new Notice.Unrecognized("SNS Message is not a JSON object");
            } catch (JacksonException e) {
                return new Notice.Unrecognized("SNS Message is not JSON: " + e.getOriginalMessage());
            }
        }
        return parseNotice(root, body);
    }

    private static Notice parseNotice(JsonNode n, String text) {
        if (n.has("s3Bucket") && n.has("s3ObjectKey")) {
            return cloudTrailNotice(n);
        }
        if (n.path("Records").isArray()) {
            return s3EventNotification(n.path("Records"));
        }
        if ("s3:TestEvent".equals(n.path("Event").asText())) {
            return new Notice.Ignored("s3:TestEvent");
        }
        String detailType = n.path("detail-type").asText("");
        if (detailType.endsWith("via CloudTrail") && n.path("detail").isObject()) {
            return new Notice.CloudTrailEvent(text.getBytes(StandardCharsets.UTF_8), detailType.contains("Insight"));
        }
        if (!detailType.isEmpty()) {
            return eventBridgeS3(n, detailType);
        }
        return new Notice.Unrecognized("not a CloudTrail, S3 or EventBridge notice");
    }

    private static Notice cloudTrailNotice(JsonNode n) {
        String bucket = n.path("s3Bucket").asText();
        List<S3ObjectRef> objects = new ArrayList<>();
        for (JsonNode key : n.path("s3ObjectKey")) {
            objects.add(new S3ObjectRef(bucket, key.asText()));
        }
        return new Notice.ObjectsCreated(objects);
    }

    private static Notice s3EventNotification(JsonNode records) {
        List<S3ObjectRef> objects = new ArrayList<>();
        for (JsonNode r : records) {
            JsonNode s3 = r.path("s3");
            String event = r.path("eventName").asText("");
            if (!s3.isObject() || !s3.path("object").has("key")) {
                return new Notice.Unrecognized("Records[] entry without s3.object.key (a CloudTrail log file in SQS?)");
            }
            if (event.startsWith("ObjectCreated:") || event.startsWith("s3:ObjectCreated:")) {
                String key = URLDecoder.decode(s3.path("object").path("key").asText(), StandardCharsets.UTF_8);
                objects.add(new S3ObjectRef(s3.path("bucket").path("name").asText(), key));
            }
        }
        return objects.isEmpty() ? new Notice.Ignored("no ObjectCreated event") : new Notice.ObjectsCreated(objects);
    }

    private static Notice eventBridgeS3(JsonNode n, String detailType) {
        if (!"Object Created".equals(detailType) || !n.path("detail").path("object").has("key")) {
            return new Notice.Ignored("EventBridge " + detailType);
        }
        JsonNode detail = n.path("detail");
        String bucket = detail.path("bucket").path("name").asText();
        return new Notice.ObjectsCreated(List.of(new S3ObjectRef(bucket, detail.path("object").path("key").asText())));
    }
}
