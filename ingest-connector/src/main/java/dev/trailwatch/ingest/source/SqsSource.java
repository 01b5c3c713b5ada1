package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import dev.trailwatch.ingest.s3.S3ObjectRef;
import dev.trailwatch.ingest.s3.S3Objects;
import dev.trailwatch.ingest.sqs.Notice;
import dev.trailwatch.ingest.sqs.Notices;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * SQS queues carrying S3 notices for new log files (CloudTrail's, S3 event notifications, EventBridge "Object
 * Created"; raw or in SNS envelopes) and EventBridge CloudTrail events. A message is deleted only after every record
 * from its files is acknowledged by Kafka; its visibility is extended while it is worked on. A crash leaves it in the
 * queue: it is redelivered and its files are read again (the detector drops duplicate events by {@code eventID}).
 */
public final class SqsSource implements IngestSource {

    private static final Logger LOG = LoggerFactory.getLogger(SqsSource.class);

    /** How to poll. {@code untilEmpty}: return once a receive finds all queues empty and nothing is in flight. */
    public record Polling(List<String> queueUrls, int waitSeconds, int maxMessages, int visibilitySeconds,
                          boolean untilEmpty) {
    }

    private final SqsClient sqs;
    private final S3Client s3;
    private final Polling polling;
    private final Routing routing;
    private final CloudTrailFileReader reader;
    private final MessageKeeper keeper;
    private volatile boolean stopped;

    public SqsSource(SqsClient sqs, S3Client s3, Polling polling, Routing routing, CloudTrailFileReader reader) {
        this.sqs = sqs;
        this.s3 = s3;
        this.polling = polling;
        this.routing = routing;
        this.reader = reader;
        this.keeper = new MessageKeeper(sqs, Duration.ofSeconds(polling.visibilitySeconds()));
    }

    @Override
    public void run(RecordEmitter out) throws InterruptedException {
        try {
            while (!stopped) {
                int received = 0;
                for (String queue : polling.queueUrls()) {
                    received += receive(queue, out);
                }
                if (polling.untilEmpty() && received == 0 && keeper.awaitDrained(Duration.ofMinutes(5))) {
                    return;
                }
            }
        } finally {
            keeper.close();
        }
    }

    private int receive(String queue, RecordEmitter out) throws InterruptedException {
        List<Message> messages = sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(queue)
                .maxNumberOfMessages(polling.maxMessages()).waitTimeSeconds(polling.waitSeconds())
                .visibilityTimeout(polling.visibilitySeconds()).build()).messages();
        for (Message m : messages) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            handle(queue, m, out);
        }
        return messages.size();
    }

    private void handle(String queue, Message m, RecordEmitter out) {
        InFlightMessage msg = keeper.track(queue, m);
        String where = queue + "#" + m.messageId();
        try {
            Notice notice = Notices.parse(m.body());
            if (notice instanceof Notice.ObjectsCreated created) {
                for (S3ObjectRef object : created.objects()) {
                    readObject(object, msg, out);
                }
            } else if (notice instanceof Notice.CloudTrailEvent event) {
                readEvent(event, msg, out);
            } else if (notice instanceof Notice.Unrecognized bad) {
                out.rejected(where, bad.reason());
            } else if (notice instanceof Notice.Ignored ignored) {
                LOG.debug("{}: ignored ({})", where, ignored.reason());
            }
            msg.readingDone();
        } catch (IOException | SdkException e) {
            LOG.warn("{}: left for redelivery after {} records: {}", where, msg.emittedCount(), e.toString());
            msg.abandon();
        }
        keeper.settle(msg);
    }

    private void readObject(S3ObjectRef object, InFlightMessage msg, RecordEmitter out) throws IOException {
        String topic = routing.topicFor(object.key());
        if (topic == null) {
            return;
        }
        try {
            S3Objects.read(s3, object, reader, sink(out, msg, topic, S3Headers.of(object, msg.queueUrl, msg.messageId)));
        } catch (NoSuchKeyException e) {
            out.rejected(object.uri(), "announced by " + msg.messageId + " but not in S3");
        }
    }

    private void readEvent(Notice.CloudTrailEvent event, InFlightMessage msg, RecordEmitter out) throws IOException {
        String topic = event.insight() ? routing.insightsTopic() : routing.topic();
        if (topic == null) {
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RecordHeaders.SOURCE, "eventbridge");
        headers.put(RecordHeaders.QUEUE, msg.queueUrl);
        headers.put(RecordHeaders.MESSAGE, msg.messageId);
        String location = "sqs:" + msg.queueUrl + "#" + msg.messageId;
        reader.read(new ByteArrayInputStream(event.eventJson()), location, sink(out, msg, topic, headers));
    }

    private RecordSink sink(RecordEmitter out, InFlightMessage msg, String topic, Map<String, String> headers) {
        Map<String, Object> partition = KeyOffset.partition("queue", msg.queueUrl);
        Map<String, Object> offset = KeyOffset.partition("messageId", msg.messageId);
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                msg.emitted();
                try {
                    out.emit(new IngestRecord(record, topic, headers, partition, offset, () -> keeper.acked(msg)));
                } catch (InterruptedException e) {
                    throw Stopped.byInterrupt();
                }
            }

            @Override
            public void rejected(String location, String reason) {
                out.rejected(location, reason);
            }
        };
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
