package dev.trailwatch.detector.detect.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The alarm rings once, at the first stream-time punctuation check after stream time reaches the time set, with the
 * stream time then; never before; at once when the time set has already passed; and not at all once cancelled.
 */
class StreamTimeAlarmTest {

    private static final long T0 = Instant.parse("2026-10-01T08:00:00Z").toEpochMilli();

    /**
     * A record's value is the time to set the alarm at (0: set nothing, -1: cancel); rings are noted with their stream
     * time. {@code stuck}: each ring sets the alarm again at its own stream time, a due time that does not move.
     */
    private static final class Setter implements Processor<String, Long, Void, Void> {
        final List<Long> rings;
        private final boolean stuck;
        private StreamTimeAlarm alarm;

        Setter(List<Long> rings, boolean stuck) {
            this.rings = rings;
            this.stuck = stuck;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            alarm = new StreamTimeAlarm(context, streamTime -> {
                rings.add(streamTime);
                if (stuck) {
                    alarm.setAt(streamTime - 1);
                }
            });
        }

        @Override
        public void process(Record<String, Long> record) {
            if (record.value() == -1L) {
                alarm.cancel();
            } else if (record.value() != 0L) {
                alarm.setAt(record.value());
            }
        }
    }

    private final List<Long> rings = new ArrayList<>();

    private TopologyTestDriver driver() {
        return driver(() -> new Setter(rings, false));
    }

    private static TopologyTestDriver driver(ProcessorSupplier<String, Long, Void, Void> processor) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.Long())).process(processor);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "alarm-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(builder.build(), props);
    }

    private static TestInputTopic<String, Long> input(TopologyTestDriver driver) {
        return driver.createInputTopic("in", new StringSerializer(), new LongSerializer());
    }

    private static void pipe(TestInputTopic<String, Long> in, long time, long setAt) {
        in.pipeInput("k", setAt, time);
    }

    @Test
    void ringsOnceWhenStreamTimeReachesTheTimeSetNotBefore() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, Long> in = input(driver);
            pipe(in, T0, T0 + 60_000);
            pipe(in, T0 + 59_999, 0);
            assertThat(rings).isEmpty();
            pipe(in, T0 + 60_000, 0);
            assertThat(rings).containsExactly(T0 + 60_000);
            pipe(in, T0 + 600_000, 0);
            pipe(in, T0 + 6_000_000, 0);
            assertThat(rings).as("once: the alarm is unset when it rings").containsExactly(T0 + 60_000);
        }
    }

    @Test
    void ringsWithTheStreamTimeOfTheRecordThatPassedTheTimeSet() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, Long> in = input(driver);
            pipe(in, T0, T0 + 1_000);
            pipe(in, T0 + 5_000, 0);
            pipe(in, T0 + 2_000, 0);
            assertThat(rings).containsExactly(T0 + 5_000);
        }
    }

    @Test
    void anEarlierTimeReplacesALaterOneAndALaterOneChangesNothing() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, Long> in = input(driver);
            pipe(in, T0, T0 + 60_000);
            pipe(in, T0 + 1, T0 + 30_000);
            pipe(in, T0 + 2, T0 + 90_000);
            pipe(in, T0 + 30_000, 0);
            assertThat(rings).containsExactly(T0 + 30_000);
            pipe(in, T0 + 90_000, 0);
            assertThat(rings).as("the later time was never kept").containsExactly(T0 + 30_000);
        }
    }

    @Test
    void aTimeAlreadyPassedRingsAtTheNextCheck() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, Long> in = input(driver);
            pipe(in, T0, 0);
            pipe(in, T0 + 10, T0 - 3_600_000);
            assertThat(rings).containsExactly(T0 + 10);
        }
    }

    @Test
    void aCancelledAlarmNeverRingsAndCanBeSetAgain() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, Long> in = input(driver);
            pipe(in, T0, T0 + 60_000);
            pipe(in, T0 + 1, -1L);
            pipe(in, T0 + 120_000, 0);
            assertThat(rings).isEmpty();
            pipe(in, T0 + 120_001, T0 + 180_000);
            pipe(in, T0 + 180_000, 0);
            assertThat(rings).containsExactly(T0 + 180_000);
        }
    }

    @Test
    void wallClockTimeNeverRingsIt() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, Long> in = input(driver);
            pipe(in, T0, T0 + 60_000);
            driver.advanceWallClockTime(Duration.ofHours(1));
            assertThat(rings).isEmpty();
        }
    }

    @Test
    void setAgainFromItsRingForATimePassedItWaitsForStreamTimeToMoveOn() {
        try (TopologyTestDriver driver = driver(() -> new Setter(rings, true))) {
            TestInputTopic<String, Long> in = input(driver);
            pipe(in, T0, T0 + 1_000);
            pipe(in, T0 + 1_000, 0);
            assertThat(rings).as("once at this stream time, not in a loop").containsExactly(T0 + 1_000);
            pipe(in, T0 + 500, 0);
            assertThat(rings).containsExactly(T0 + 1_000);
            pipe(in, T0 + 1_001, 0);
            assertThat(rings).containsExactly(T0 + 1_000, T0 + 1_001);
        }
    }
}
