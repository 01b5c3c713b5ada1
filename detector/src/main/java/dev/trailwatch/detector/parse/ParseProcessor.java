package dev.trailwatch.detector.parse;

import dev.trailwatch.detector.deadletter.DeadLetterProductionHandler;
import dev.trailwatch.detector.deadletter.Quarantine;
import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.ReadOutcome;
import dev.trailwatch.ingest.source.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Parses each raw record once. A parsed event is re-stamped with its {@code eventTime}, so windows and suppression
 * run on event time even when a producer did not set the record timestamp; it is counted by account and by the
 * {@code trailwatch.source} header the ingest connector sets.
 *
 * <p>Two guards keep one record from hurting its neighbours: an event dated further ahead of this instance's clock
 * than {@link #MAX_FUTURE_CONFIG} is rejected ({@code future_event_time}: it would move stream time ahead and make
 * real events late, and its timestamp could be refused by the broker); and a record whose output Kafka refused is
 * rejected ({@code produce_failed}) when the {@link Quarantine} names it, so the retried transaction commits.
 *
 * <p>A record may have been parsed ahead, by this node's parser on another thread: live by its consumer's lane
 * ({@link ParseAhead}, setting {@code events.parse.ahead}), in {@code scan} by the reader threads
 * ({@link ParsedAhead}); everything after the parse is the same.
 *
 * <p>A plain processor, although it never changes the key: Kafka Streams copies a record's headers each time a
 * fixed-key record is made (on the way in, by {@code withValue}, by {@code withTimestamp}, and again on the way out),
 * four copies per event; this node makes the one record it forwards, with one copy of the input's headers. The router
 * after it, a plain processor too, already marks the stream as keyed anew, so the graph downstream is the same.
 */
public final class ParseProcessor extends ContextualProcessor<String, byte[], String, ReadOutcome> {

    /** Streams property: how far ahead of the wall clock an eventTime may be, in milliseconds. */
    public static final String MAX_FUTURE_CONFIG = "trailwatch.events.max.future.ms";
    /** Without the property (a bare topology in a test driver): the default of {@code events.max.future}. */
    static final long DEFAULT_MAX_FUTURE_MS = Duration.ofMinutes(15).toMillis();

    private final CloudTrailParser parser;
    private final TrailWatchMetrics metrics;
    /** The last {@code trailwatch.source} header's bytes and their text: a partition's records mostly share one. */
    private byte[] lastSourceBytes;
    private String lastSource = "unknown";
    /** {@code topic-partition@} of the last origin, as bytes: the origin header of each record is it + the offset. */
    private String originTopic;
    private int originPartition = -1;
    private byte[] originPrefix;
    private long maxFutureMs = DEFAULT_MAX_FUTURE_MS;
    private Quarantine quarantine;
    private ParsedAhead parsedAhead;
    private ParseAhead liveAhead;
    /** The stream thread {@link #lane} was looked up for (a task may move to another thread when it is revived). */
    private Thread laneThread;
    private ParseAhead.Lane lane;

    public ParseProcessor(CloudTrailParser parser, TrailWatchMetrics metrics) {
        this.parser = parser;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ReadOutcome> context) {
        super.init(context);
        Map<String, Object> configs = context.appConfigs();
        Object maxFuture = configs.get(MAX_FUTURE_CONFIG);
        if (maxFuture != null) {
            maxFutureMs = Long.parseLong(maxFuture.toString());
        }
        if (configs.get(Quarantine.CONFIG) instanceof Quarantine q) {
            quarantine = q;
        }
        if (configs.get(ParsedAhead.CONFIG) instanceof ParsedAhead ahead) {
            // scan only: records parsed on another thread by this node's parser
            ahead.bind(parser);
            parsedAhead = ahead;
        }
        if (configs.get(ParseAhead.CONFIG) instanceof ParseAhead ahead) {
            // live, events.parse.ahead: records parsed by their consumer's lane while this thread processes others
            ahead.bind(parser);
            liveAhead = ahead;
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = quarantine == null && liveAhead == null ? null
                : context().recordMetadata().orElse(null);
        // the quarantine holds entries only after a failed write: only then is the origin's text built and looked up
        String origin = meta == null || quarantine == null || quarantine.size() == 0 ? null
                : Quarantine.origin(meta.topic(), meta.partition(), meta.offset());
        ParseResult result = quarantined(origin, record.value());
        if (result == null) {
            ParseResult ahead = parsedAhead != null ? parsedAhead.take(record.value())
                    : liveAhead != null ? takeFromLane(meta, record.value()) : null;
            result = checkTime(ahead != null ? ahead : parser.parse(record.value()), record.value());
        }
        if (result instanceof ParseResult.Parsed parsed) {
            CloudTrailEvent event = parsed.event();
            metrics.eventRead(event.recipientAccountId(), event.awsRegion(), source(record), event.eventTime());
            // the event itself, not its wrapper: the router forwards this record on as it is (see ReadOutcome)
            Record<String, ReadOutcome> out = new Record<>(record.key(), event, event.eventTime(), record.headers());
            if (meta != null && quarantine != null) {
                // what this event produces carries it, so a write Kafka refuses can be traced back to this record
                // (on the copy: the input's own headers are the source's record context's)
                out.headers().remove(DeadLetterProductionHandler.ORIGIN_HEADER)
                        .add(DeadLetterProductionHandler.ORIGIN_HEADER, originBytes(meta));
            }
            context().forward(out);
        } else {
            metrics.eventRejected(((ParseResult.Rejected) result).reason());
            context().forward(record.withValue((ReadOutcome) result));
        }
    }

    /** The result this stream thread's consumer had parsed ahead for {@code raw}, or null. */
    private ParseResult takeFromLane(RecordMetadata meta, byte[] raw) {
        if (meta == null) {
            return null;
        }
        Thread current = Thread.currentThread();
        if (current != laneThread || lane == null) {
            laneThread = current;
            lane = liveAhead.ofCurrentThread();
            if (lane == null) {
                return null;
            }
        }
        return lane.take(meta.partition(), meta.offset(), raw);
    }

    /** A rejection when an earlier attempt to write this record's output failed, else null. */
    private ParseResult quarantined(String origin, byte[] raw) {
        Quarantine.Entry entry = origin == null ? null : quarantine.entry(origin);
        if (entry == null) {
            return null;
        }
        if (entry.failures() > 1) {
            // even its dead letter was refused: keep the reason and the origin, drop the bytes
            return new ParseResult.Rejected(RejectReason.PRODUCE_FAILED, entry.reason()
                    + "; its dead letter could not be written either, so the value is left out", null);
        }
        return new ParseResult.Rejected(RejectReason.PRODUCE_FAILED, entry.reason(), raw);
    }

    private ParseResult checkTime(ParseResult result, byte[] raw) {
        if (result instanceof ParseResult.Parsed parsed) {
            long now = context().currentSystemTimeMs();
            long eventTime = parsed.event().eventTime();
            if (eventTime > now + maxFutureMs) {
                return new ParseResult.Rejected(RejectReason.FUTURE_EVENT_TIME, "eventTime "
                        + Instant.ofEpochMilli(eventTime) + " is " + Duration.ofMillis(eventTime - now).toMinutes()
                        + " min ahead of this detector's clock (" + Instant.ofEpochMilli(now) + "; events.max.future "
                        + Duration.ofMillis(maxFutureMs) + ")", raw);
            }
        }
        return result;
    }

    /** {@link Quarantine#origin}'s text as UTF-8 bytes, built without the text: the prefix is kept per partition. */
    private byte[] originBytes(RecordMetadata meta) {
        if (meta.partition() != originPartition || !meta.topic().equals(originTopic)) {
            originTopic = meta.topic();
            originPartition = meta.partition();
            originPrefix = Quarantine.originPrefix(originTopic, originPartition).getBytes(StandardCharsets.UTF_8);
        }
        return withDecimal(originPrefix, meta.offset());
    }

    /** {@code prefix} followed by the decimal digits of {@code value} (as {@link Long#toString(long)} writes them). */
    static byte[] withDecimal(byte[] prefix, long value) {
        if (value < 0) {
            byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + text.length);
            System.arraycopy(text, 0, out, prefix.length, text.length);
            return out;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + digits);
        long rest = value;
        for (int i = out.length - 1; i >= prefix.length; i--) {
            out[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return out;
    }

    private String source(Record<String, byte[]> record) {
        Header header = record.headers().lastHeader(RecordHeaders.SOURCE);
        if (header == null) {
            return "unknown";
        }
        byte[] value = header.value();
        if (value == null) {
            return "unknown";
        }
        if (!java.util.Arrays.equals(value, lastSourceBytes)) {
            lastSource = new String(value, StandardCharsets.UTF_8);
            lastSourceBytes = value.clone();
        }
        return lastSource;
    }
}
