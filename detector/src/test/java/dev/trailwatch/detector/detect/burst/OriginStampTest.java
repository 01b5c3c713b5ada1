package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The way into a repartition: each event re-keyed and stamped with its input partition; once a second that partition's
 * completeness sent as a progress marker (no value) that the partitioner writes to every partition of the topic, behind
 * the events sent before it.
 */
class OriginStampTest {

    private static final long HORIZON = Duration.ofMinutes(15).toMillis();
    private static final CloudTrailParser PARSER = new CloudTrailParser();

    private final MockProcessorContext<String, CloudTrailEvent> context =
            new MockProcessorContext<>(new Properties(), new TaskId(0, 2), null);
    private final InputWatermark watermark = new InputWatermark(Duration.ofMillis(HORIZON), 4);
    private final OriginStamp stamp = new OriginStamp(CloudTrailEvent::sourceIpAddress, watermark);

    @Test
    void stampsEachEventWithItsInputPartitionAndKeysItAnew() {
        stamp.init(context);
        CloudTrailEvent event = event();
        Record<String, CloudTrailEvent> in = new Record<>(event.recipientAccountId(), event, event.eventTime());
        in.headers().add(OriginStamp.HEADER, "stale".getBytes(StandardCharsets.UTF_8));
        stamp.process(in);

        Record<String, CloudTrailEvent> out = only(context.forwarded());
        assertThat(out.key()).isEqualTo(ATTACKER);
        assertThat(out.value()).isSameAs(event);
        assertThat(OriginStamp.origin(out.headers())).isEqualTo(2);
        assertThat(out.headers().headers(OriginStamp.HEADER)).hasSize(1);
        assertThat(OriginStamp.isMarker(out)).isFalse();
        assertThat(new String(in.headers().lastHeader(OriginStamp.HEADER).value(), StandardCharsets.UTF_8))
                .as("the router's record, which the steps after this one receive, is left as it was")
                .isEqualTo("stale");
    }

    @Test
    void sendsItsPartitionsCompletenessOnTheTimerWhenItMovedAndAsAHeartbeat() {
        stamp.init(context);
        long streamTime = T0.toEpochMilli();
        context.setCurrentStreamTimeMs(streamTime);
        punctuate(1_000);
        Record<String, CloudTrailEvent> marker = only(context.forwarded());
        assertThat(OriginStamp.isMarker(marker)).isTrue();
        assertThat(OriginStamp.origin(marker.headers())).isEqualTo(2);
        assertThat(OriginStamp.progress(marker.headers())).isEqualTo(streamTime - HORIZON)
                .isEqualTo(watermark.completeUpTo(2));
        assertThat(marker.timestamp()).isEqualTo(streamTime);

        context.resetForwards();
        punctuate(2_000);
        assertThat(context.forwarded()).as("nothing moved, no heartbeat due").isEmpty();
        context.setCurrentStreamTimeMs(streamTime + 60_000);
        punctuate(3_000);
        assertThat(OriginStamp.progress(only(context.forwarded()).headers())).isEqualTo(streamTime + 60_000 - HORIZON);

        context.resetForwards();
        punctuate(3_000 + OriginStamp.HEARTBEAT.toMillis());
        assertThat(OriginStamp.progress(only(context.forwarded()).headers())).as("heartbeat")
                .isEqualTo(streamTime + 60_000 - HORIZON);
    }

    @Test
    void sendsNoMarkerBeforeItsPartitionIsKnownComplete() {
        stamp.init(context);
        context.setCurrentStreamTimeMs(-1);
        punctuate(1_000);
        assertThat(context.forwarded()).isEmpty();
    }

    /** A partition with nothing to read, found caught up, is complete as far as the brokers' answer allows. */
    @Test
    void aQuietPartitionCaughtUpSendsWhatItIsCompleteTo() {
        stamp.init(context);
        long latest = T0.toEpochMilli();
        watermark.caughtUp(2, latest);
        context.setCurrentStreamTimeMs(-1);
        punctuate(1_000);
        assertThat(OriginStamp.progress(only(context.forwarded()).headers())).isEqualTo(latest - HORIZON);
    }

    @Test
    void theMarkerGoesToEveryPartitionAndAnEventWhereItsKeyHashes() {
        OriginStamp.MarkerPartitioner partitioner = new OriginStamp.MarkerPartitioner();
        assertThat(partitioner.partitions("t", "0", null, 4)).contains(Set.of(0, 1, 2, 3));
        assertThat(partitioner.partitions("t", "0", null, 2)).contains(Set.of(0, 1));
        assertThat(partitioner.partitions("t", ATTACKER, event(), 4)).as("the producer's default partitioner")
                .isEqualTo(Optional.empty());
    }

    @Test
    void aFilterAfterTheRepartitionLetsMarkersThrough() {
        var passing = OriginStamp.passing(e -> false);
        assertThat(passing.test("0", null)).isTrue();
        assertThat(passing.test(ATTACKER, event())).isFalse();
    }

    private void punctuate(long wallClock) {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(wallClock));
    }

    private static Record<String, CloudTrailEvent> only(
            List<CapturedForward<? extends String, ? extends CloudTrailEvent>> forwarded) {
        assertThat(forwarded).hasSize(1);
        @SuppressWarnings("unchecked")
        Record<String, CloudTrailEvent> record = (Record<String, CloudTrailEvent>) forwarded.get(0).record();
        return record;
    }

    private static CloudTrailEvent event() {
        return ((ParseResult.Parsed) PARSER.parse(failedLogin(ATTACKER, "alice", T0).bytes())).event();
    }
}
