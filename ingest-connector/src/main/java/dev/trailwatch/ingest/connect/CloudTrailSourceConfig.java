package dev.trailwatch.ingest.connect;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.s3.AwsSettings;
import dev.trailwatch.ingest.source.Routing;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/** Every setting of the CloudTrail source connector; {@code docs/ingest.md} lists them all (a test checks it). */
public final class CloudTrailSourceConfig extends AbstractConfig {

    public static final String SOURCE_TYPE = "source.type";
    public static final String TOPIC = "topic";
    public static final String INSIGHTS_TOPIC = "insights.topic";
    public static final String SQS_QUEUE_URLS = "sqs.queue.urls";
    public static final String SQS_WAIT_SECONDS = "sqs.wait.time.seconds";
    public static final String SQS_MAX_MESSAGES = "sqs.max.messages";
    public static final String SQS_VISIBILITY_SECONDS = "sqs.visibility.timeout.seconds";
    public static final String S3_BUCKET = "s3.bucket";
    public static final String S3_PREFIX = "s3.prefix";
    public static final String S3_ACCOUNTS = "s3.accounts";
    public static final String S3_REGIONS = "s3.regions";
    public static final String S3_START_TIME = "s3.start.time";
    public static final String S3_END_TIME = "s3.end.time";
    public static final String FILES_PATHS = "files.paths";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String AWS_REGION = "aws.region";
    public static final String AWS_ENDPOINT = "aws.endpoint";
    public static final String S3_PATH_STYLE = "s3.path.style.access";
    public static final String AWS_ACCESS_KEY_ID = "aws.access.key.id";
    public static final String AWS_SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String BUFFER_MAX_RECORDS = "buffer.max.records";
    public static final String RECORD_MAX_BYTES = "record.max.bytes";
    public static final String MAX_RECORDS_PER_SECOND = "max.records.per.second";
    public static final String EVENT_TIME_MAX_FUTURE_MS = "event.time.max.future.ms";
    public static final String EVENT_TIME_MAX_AGE_MS = "event.time.max.age.ms";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    /** Set by the connector for each task. */
    static final String TASK_INDEX = "task.index";
    static final String TASK_COUNT = "task.count";

    public static final String TYPE_SQS = "sqs";
    public static final String TYPE_S3 = "s3";
    public static final String TYPE_FILES = "files";

    private static final ConfigDef.Validator INSTANT = (name, value) -> {
        String s = value == null ? "" : value.toString().trim();
        if (!s.isEmpty()) {
            try {
                Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new ConfigException(name, value, "must be an ISO-8601 instant such as 2024-01-15T00:00:00Z");
            }
        }
    };

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SOURCE_TYPE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ValidString.in(TYPE_SQS, TYPE_S3, TYPE_FILES),
                    Importance.HIGH, "Where records come from: 'sqs' (S3 notices and EventBridge events from SQS "
                            + "queues: the live path), 's3' (listing a trail's bucket: backfill and replay) or 'files' "
                            + "(local files and folders).")
            .define(TOPIC, Type.STRING, Routing.DEFAULT_TOPIC, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Topic for CloudTrail records.")
            .define(INSIGHTS_TOPIC, Type.STRING, "", Importance.LOW,
                    "Topic for CloudTrail Insights records (CloudTrail-Insight/ files and 'AWS Insight via CloudTrail' "
                            + "events). Empty: Insights records are dropped.")
            .define(SQS_QUEUE_URLS, Type.LIST, "", Importance.HIGH,
                    "source.type=sqs: SQS queue URLs. With at least as many queues as tasks, queues are split across "
                            + "tasks; otherwise every task polls every queue (SQS hands each message to one consumer).")
            .define(SQS_WAIT_SECONDS, Type.INT, 20, Range.between(0, 20), Importance.LOW,
                    "SQS long-poll wait per receive, in seconds.")
            .define(SQS_MAX_MESSAGES, Type.INT, 10, Range.between(1, 10), Importance.LOW,
                    "Messages per SQS receive.")
            .define(SQS_VISIBILITY_SECONDS, Type.INT, 300, Range.between(10, 43_200), Importance.MEDIUM,
                    "Visibility timeout set on received messages, in seconds; extended every half period while a "
                            + "message's files are read and its records await acknowledgement.")
            .define(S3_BUCKET, Type.STRING, "", Importance.HIGH, "source.type=s3: the trail's bucket.")
            .define(S3_PREFIX, Type.STRING, "", Importance.MEDIUM,
                    "source.type=s3: key prefix above (or at) AWSLogs/, e.g. the trail's S3 key prefix, "
                            + "'AWSLogs/o-abc123/' or 'AWSLogs/o-abc123/111122223333/'.")
            .define(S3_ACCOUNTS, Type.LIST, "", Importance.MEDIUM,
                    "source.type=s3: account ids to read (empty: all accounts found).")
            .define(S3_REGIONS, Type.LIST, "", Importance.MEDIUM,
                    "source.type=s3: regions to read (empty: all regions found).")
            .define(S3_START_TIME, Type.STRING, "", INSTANT, Importance.MEDIUM,
                    "source.type=s3: read files delivered at or after this ISO-8601 instant (by the time in the file "
                            + "name). Empty: from the oldest.")
            .define(S3_END_TIME, Type.STRING, "", INSTANT, Importance.MEDIUM,
                    "source.type=s3: read files delivered before this instant. Empty: keep tailing new files.")
            .define(FILES_PATHS, Type.LIST, "", Importance.HIGH,
                    "source.type=files: files and folders (recursive) on the worker's file system; one source "
                            + "partition per entry; split across tasks.")
            .define(POLL_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "source.type=s3 and files: pause between listings for new files. 0: list once, then idle.")
            .define(AWS_REGION, Type.STRING, "", Importance.MEDIUM,
                    "AWS region. Empty: the SDK's chain (AWS_REGION, aws.region, profile), falling back to us-east-1.")
            .define(AWS_ENDPOINT, Type.STRING, "", Importance.LOW,
                    "Endpoint override for S3 and SQS. Empty: the SDK's standard settings (AWS_ENDPOINT_URL, "
                            + "AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SQS, aws.endpointUrl*, the profile's endpoint_url).")
            .define(S3_PATH_STYLE, Type.BOOLEAN, false, Importance.LOW,
                    "Path-style S3 addressing (needed by most S3-compatible stores).")
            .define(AWS_ACCESS_KEY_ID, Type.STRING, "", Importance.LOW,
                    "Static access key id. Empty: the default credentials chain (environment, profile, web "
                            + "identity, container or instance role).")
            .define(AWS_SECRET_ACCESS_KEY, Type.PASSWORD, "", Importance.LOW, "Static secret key, with aws.access.key.id.")
            .define(BATCH_MAX_RECORDS, Type.INT, 1000, Range.atLeast(1), Importance.LOW,
                    "Most records returned by one poll().")
            .define(BUFFER_MAX_RECORDS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "Records read ahead of Kafka per task; reading pauses while the buffer is full.")
            .define(RECORD_MAX_BYTES, Type.INT, CloudTrailFileReader.DEFAULT_MAX_RECORD_BYTES, Range.atLeast(1024),
                    Importance.LOW, "Largest record accepted; larger ones are rejected and skipped.")
            .define(MAX_RECORDS_PER_SECOND, Type.INT, 0, Range.atLeast(0), Importance.LOW,
                    "Per-task rate limit (e.g. to keep a large backfill from crowding the cluster). 0: none.")
            .define(EVENT_TIME_MAX_FUTURE_MS, Type.LONG, 3_600_000L, Range.atLeast(-1), Importance.MEDIUM,
                    "Records whose eventTime is further ahead of the worker's clock are rejected (reason "
                            + "future_event_time) instead of sent: the broker refuses timestamps beyond the topic's "
                            + "message.timestamp.after.max.ms (default 1 h) and would fail the whole batch. Keep it at "
                            + "most that setting. -1: no limit (a LogAppendTime topic).")
            .define(EVENT_TIME_MAX_AGE_MS, Type.LONG, -1L, Range.atLeast(-1), Importance.MEDIUM,
                    "Records whose eventTime is older are rejected (reason expired_event_time): set it to the "
                            + "topic's retention.ms (or message.timestamp.before.max.ms) when history older than that "
                            + "could be read. -1: no limit.")
            .define(DEAD_LETTER_TOPIC, Type.STRING, "", Importance.MEDIUM,
                    "Where rejected records (eventTime out of bounds) go, unchanged, with the reason in the "
                            + "trailwatch.dlq.reason and trailwatch.dlq.detail headers, e.g. cloudtrail.events.dlq. "
                            + "Empty: they are counted and logged only.")
            .defineInternal(TASK_INDEX, Type.INT, 0, Importance.LOW)
            .defineInternal(TASK_COUNT, Type.INT, 1, Importance.LOW);

    public CloudTrailSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public String sourceType() {
        return getString(SOURCE_TYPE);
    }

    public Routing routing() {
        return new Routing(getString(TOPIC), getString(INSIGHTS_TOPIC));
    }

    public AwsSettings aws() {
        String endpoint = getString(AWS_ENDPOINT).trim();
        return new AwsSettings(blankToNull(getString(AWS_REGION)), endpoint.isEmpty() ? null : URI.create(endpoint),
                getBoolean(S3_PATH_STYLE), blankToNull(getString(AWS_ACCESS_KEY_ID)),
                getPassword(AWS_SECRET_ACCESS_KEY).value());
    }

    public Instant instant(String key) {
        String s = getString(key).trim();
        return s.isEmpty() ? null : Instant.parse(s);
    }

    /** Null when the source should list once. */
    public Duration pollInterval() {
        long ms = getLong(POLL_INTERVAL_MS);
        return ms == 0 ? null : Duration.ofMillis(ms);
    }

    public List<String> list(String key) {
        return getList(key).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The setting a source type cannot do without, or null when it is there. */
    public String missingRequirement() {
        return switch (sourceType()) {
            case TYPE_SQS -> list(SQS_QUEUE_URLS).isEmpty() ? SQS_QUEUE_URLS : null;
            case TYPE_S3 -> getString(S3_BUCKET).isBlank() ? S3_BUCKET : null;
            default -> list(FILES_PATHS).isEmpty() ? FILES_PATHS : null;
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
