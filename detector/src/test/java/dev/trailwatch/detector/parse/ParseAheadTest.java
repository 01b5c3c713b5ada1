package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ParseAhead}: what a stream thread takes parsed ahead is what the parse node's parser gives for the same bytes;
 * each record is parsed by one thread only; a record not started is the stream thread's; results never asked for do
 * not pile up; the interceptor joins the user's interceptors instead of replacing them.
 */
class ParseAheadTest {

    private static final TopicPartition INPUT = new TopicPartition("cloudtrail.events", 0);
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    private final CloudTrailParser parser = new CloudTrailParser();
    private final ParseAhead ahead = new ParseAhead(INPUT.topic());
    private final List<ParseAhead.Lane> lanes = new ArrayList<>();
    private final Map<byte[], Long> offsets = new IdentityHashMap<>();
    private long nextOffset = 100;

    @AfterEach
    void closeLanes() {
        lanes.forEach(ParseAhead.Lane::close);
    }

    @Test
    void eachRecordPolledIsTakenAsTheParserReadsItGoodAndBad() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(true);
        List<byte[]> raws = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            raws.add(TestEvents.event("iam.amazonaws.com", "GetUser", T0.plusSeconds(i)).user("u" + i % 7).bytes());
        }
        raws.add("{\"eventVersion\":\"1.08\"".getBytes(StandardCharsets.UTF_8));
        raws.add("{\"eventName\":\"GetUser\"}".getBytes(StandardCharsets.UTF_8));
        lane.submit(polled(raws));

        await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == raws.size());
        for (byte[] raw : raws) {
            assertThat(describe(take(lane, raw))).as("parsed ahead").isEqualTo(describe(parser.parse(raw)));
        }
        assertThat(lane.taken()).isEqualTo(raws.size());
        assertThat(lane.pending()).isZero();
        assertThat(take(lane, raws.get(0))).as("once").isNull();
    }

    @Test
    void onlyThatVeryArrayIsTakenNotAnEqualCopy() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(true);
        byte[] raw = TestEvents.stopLogging(T0).bytes();
        lane.submit(polled(List.of(raw)));
        await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == 1);

        assertThat(lane.take(INPUT.partition(), offsets.get(raw), raw.clone())).as("same offset, other bytes").isNull();
        assertThat(lane.take(INPUT.partition() + 1, offsets.get(raw), raw)).as("other partition").isNull();
        assertThat(take(lane, new byte[0])).isNull();
        assertThat(take(lane, raw)).isInstanceOf(ParseResult.Parsed.class);
    }

    @Test
    void aRecordTheLaneHasNotStartedIsTheStreamThreadsAndTheLaneSkipsIt() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(false);
        List<byte[]> raws = events(10);
        lane.submit(polled(raws));

        assertThat(take(lane, raws.get(0))).as("not started: the caller parses it").isNull();
        lane.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == 9);
        assertThat(lane.parsed()).as("the claimed record is skipped").isEqualTo(9);
        for (int i = 1; i < raws.size(); i++) {
            assertThat(take(lane, raws.get(i))).isInstanceOf(ParseResult.Parsed.class);
        }
        assertThat(lane.taken()).isEqualTo(9);
    }

    @Test
    void theLaneParsesAtMostAFixedNumberAheadOfTheLastRecordTaken() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(true);
        List<byte[]> raws = events(ParseAhead.AHEAD * 3);
        lane.submit(polled(raws));

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
                .until(() -> lane.parsed() == ParseAhead.AHEAD);
        for (int i = 0; i < 100; i++) {
            assertThat(take(lane, raws.get(i))).isInstanceOf(ParseResult.Parsed.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == ParseAhead.AHEAD + 100);
        for (int i = 100; i < raws.size(); i++) {
            assertThat(take(lane, raws.get(i))).as("parsed here or there, never lost").satisfiesAnyOf(
                    r -> assertThat(r).isNull(), r -> assertThat(r).isInstanceOf(ParseResult.Parsed.class));
        }
        assertThat(lane.pending()).isZero();
    }

    @Test
    void recordsOfTheConsumersOtherTopicsAreLeftAlone() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(true);
        byte[] event = TestEvents.stopLogging(T0).bytes();
        byte[] repartitioned = TestEvents.stopLogging(T0.plusSeconds(1)).bytes();
        offsets.put(event, 0L);
        offsets.put(repartitioned, 0L);
        TopicPartition repartition = new TopicPartition("app-console-login-by-ip-repartition", 0);
        lane.submit(new ConsumerRecords<>(Map.of(
                INPUT, List.of(new ConsumerRecord<>(INPUT.topic(), 0, 0L, null, event)),
                repartition, List.of(new ConsumerRecord<>(repartition.topic(), 0, 0L, null, repartitioned))),
                Map.of()));

        await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == 1);
        assertThat(lane.pending()).isEqualTo(1);
        assertThat(take(lane, repartitioned)).isNull();
        assertThat(take(lane, event)).isInstanceOf(ParseResult.Parsed.class);
    }

    @Test
    void nothingIsQueuedBeforeAParseNodeHasBoundItsParser() {
        ParseAhead.Lane lane = lane(true);
        byte[] raw = TestEvents.stopLogging(T0).bytes();
        lane.submit(polled(List.of(raw)));

        assertThat(lane.pending()).isZero();
        assertThat(take(lane, raw)).isNull();
        assertThat(ahead.ofCurrentThread()).as("the polling thread owns the lane all the same").isSameAs(lane);
    }

    @Test
    void recordsSkippedOverAreDroppedWhenALaterOneIsTaken() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(false);
        List<byte[]> raws = events(5);
        lane.submit(polled(raws));

        assertThat(take(lane, raws.get(3))).as("not started: the caller's").isNull();
        assertThat(lane.pending()).as("the three before it are dropped").isEqualTo(1);
        lane.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == 1);
        assertThat(take(lane, raws.get(4))).isInstanceOf(ParseResult.Parsed.class);
        assertThat(take(lane, raws.get(0))).isNull();
        assertThat(lane.parsed()).as("the dropped are never parsed").isEqualTo(1);
    }

    @Test
    void aPartitionFetchedAgainFromAnEarlierOffsetStartsOver() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(false);
        List<byte[]> before = events(5);
        lane.submit(polled(before));
        nextOffset -= 3;
        List<byte[]> again = new ArrayList<>();
        for (byte[] raw : before.subList(2, 5)) {
            again.add(raw.clone());
        }
        lane.submit(polled(again));

        assertThat(lane.pending()).isEqualTo(3);
        lane.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == 3);
        for (byte[] raw : again) {
            assertThat(take(lane, raw)).isInstanceOf(ParseResult.Parsed.class);
        }
    }

    @Test
    void aPartitionNoLongerReadIsForgottenAndAnOverlongQueueDropped() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(false);
        lane.submit(polled(events(3)));
        TopicPartition other = new TopicPartition(INPUT.topic(), 1);
        byte[] raw = TestEvents.stopLogging(T0).bytes();
        for (int poll = 0; poll < 2 * ParseAhead.SWEEP_EVERY; poll++) {
            lane.submit(new ConsumerRecords<>(Map.of(other,
                    List.of(new ConsumerRecord<>(other.topic(), 1, poll, null, raw))), Map.of()));
        }
        assertThat(lane.pending()).as("partition 0, revoked, is forgotten; partition 1's are all kept")
                .isEqualTo(2 * ParseAhead.SWEEP_EVERY);

        ParseAhead.Lane overlong = lane(false);
        overlong.submit(polled(events(ParseAhead.MAX_QUEUED + 1)));
        List<byte[]> next = events(2);
        overlong.submit(polled(next));
        assertThat(overlong.pending()).as("never asked for: dropped").isEqualTo(2);
    }

    @Test
    void theStreamThreadsLaneIsTheOneItsConsumerPolledOnAndIsCountedAfterItCloses() throws Exception {
        ahead.bind(parser);
        ParseAhead.Lane mine = lane(true);
        ParseAhead.Lane other = lane(true);
        byte[] raw = TestEvents.stopLogging(T0).bytes();
        Thread elsewhere = new Thread(() -> other.submit(polled(List.of())));
        elsewhere.start();
        elsewhere.join();
        mine.submit(polled(List.of(raw)));
        await().atMost(Duration.ofSeconds(10)).until(() -> mine.parsed() == 1);

        assertThat(ahead.ofCurrentThread()).isSameAs(mine);
        assertThat(take(mine, raw)).isNotNull();
        mine.close();
        assertThat(ahead.ofCurrentThread()).as("closed").isNull();
        assertThat(ahead.parsedAhead()).as("a closed lane's count is kept").isEqualTo(1);
        assertThat(ahead.lanes()).isEqualTo(1);
    }

    @Test
    void theInterceptorJoinsTheUsersInterceptorsAndHandsBatchesToItsLane() {
        Properties props = new Properties();
        props.put("consumer.interceptor.classes", "com.example.Audit");
        ParseAhead.install(props, ahead);
        assertThat(props.getProperty("main.consumer.interceptor.classes"))
                .isEqualTo("com.example.Audit," + ParseAheadInterceptor.class.getName());
        assertThat(props.get(ParseAhead.CONFIG)).isSameAs(ahead);
        ParseAhead.install(props, ahead);
        assertThat(props.getProperty("main.consumer.interceptor.classes")).as("installed once")
                .isEqualTo("com.example.Audit," + ParseAheadInterceptor.class.getName());
        Properties own = new Properties();
        own.put("main.consumer.interceptor.classes", " com.example.First , com.example.ParseAheadInterceptorLike");
        own.put("interceptor.classes", "com.example.Ignored");
        ParseAhead.install(own, ahead);
        assertThat(own.getProperty("main.consumer.interceptor.classes")).as("the main consumer's own win")
                .isEqualTo("com.example.First,com.example.ParseAheadInterceptorLike,"
                        + ParseAheadInterceptor.class.getName());

        ahead.bind(parser);
        byte[] raw = TestEvents.stopLogging(T0).bytes();
        try (ParseAheadInterceptor interceptor = new ParseAheadInterceptor()) {
            interceptor.configure(Map.of(ParseAhead.CONFIG, ahead, "client.id", "t-StreamThread-1-consumer"));
            ConsumerRecords<byte[], byte[]> records = polled(List.of(raw));
            assertThat(interceptor.onConsume(records)).isSameAs(records);
            interceptor.onCommit(Map.of(INPUT, new OffsetAndMetadata(1)));
            ParseAhead.Lane lane = ahead.ofCurrentThread();
            assertThat(lane).isNotNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> lane.parsed() == 1);
            assertThat(take(lane, raw)).isInstanceOf(ParseResult.Parsed.class);
        }
        assertThat(ahead.ofCurrentThread()).isNull();
        assertThat(ahead.parsedAhead()).isEqualTo(1);

        try (ParseAheadInterceptor bare = new ParseAheadInterceptor()) {
            bare.configure(Map.of("client.id", "someone-else"));
            ConsumerRecords<byte[], byte[]> records = polled(List.of(raw));
            assertThat(bare.onConsume(records)).as("no ParseAhead in its configs: untouched").isSameAs(records);
        }
    }

    @Test
    void autoMeansACoreForEachParseAheadThread() {
        assertThat(ParseAhead.enabled("auto", 1, 2)).isTrue();
        assertThat(ParseAhead.enabled("auto", 1, 1)).isFalse();
        assertThat(ParseAhead.enabled("auto", 2, 2)).as("two stream threads on two cores").isFalse();
        assertThat(ParseAhead.enabled("true", 4, 1)).isTrue();
        assertThat(ParseAhead.enabled("false", 1, 8)).isFalse();
    }

    @Test
    void aClosedLaneLeavesItsRecordsToTheStreamThread() {
        ahead.bind(parser);
        ParseAhead.Lane lane = lane(false);
        List<byte[]> raws = events(3);
        lane.submit(polled(raws));
        lane.close();
        lane.submit(polled(events(2)));

        assertThat(take(lane, raws.get(0))).isNull();
        assertThat(lane.parsed()).isZero();
        assertThat(ahead.lanes()).isZero();
    }

    private static List<byte[]> events(int count) {
        List<byte[]> raws = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            raws.add(TestEvents.event("sts.amazonaws.com", "GetCallerIdentity", T0.plusSeconds(i)).bytes());
        }
        return raws;
    }

    /** Takes as the parse node does: by the record's partition and offset, and its very array. */
    private ParseResult take(ParseAhead.Lane lane, byte[] raw) {
        Long offset = offsets.get(raw);
        return lane.take(INPUT.partition(), offset == null ? -1 : offset, raw);
    }

    private ParseAhead.Lane lane(boolean started) {
        ParseAhead.Lane lane = started ? ahead.open("test") : ahead.openPaused("test");
        lanes.add(lane);
        return lane;
    }

    /** The next records of the input partition, at the offsets after the last polled. */
    private ConsumerRecords<byte[], byte[]> polled(List<byte[]> values) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (byte[] value : values) {
            offsets.put(value, nextOffset);
            records.add(new ConsumerRecord<>(INPUT.topic(), INPUT.partition(), nextOffset++, null, value));
        }
        return new ConsumerRecords<>(Map.of(INPUT, records), Map.of());
    }

    /** What the parse node goes on with: the event's fields it reads, or the rejection's reason and detail. */
    private static String describe(ParseResult result) {
        if (result instanceof ParseResult.Parsed parsed) {
            CloudTrailEvent e = parsed.event();
            return String.join("|", e.eventId(), e.eventSource(), e.eventName(), Long.toString(e.eventTime()),
                    e.awsRegion(), e.recipientAccountId(), String.valueOf(e.readOnly()), e.toString().replaceAll(
                            "\\[B@[0-9a-f]+", "[B"));
        }
        ParseResult.Rejected rejected = (ParseResult.Rejected) result;
        return rejected.reason() + "|" + rejected.detail();
    }
}
