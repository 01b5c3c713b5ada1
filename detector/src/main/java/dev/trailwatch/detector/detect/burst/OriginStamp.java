package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The way into a repartition topic: re-keys the events a detection wants, marks each with the input partition it was
 * read from (header {@value #HEADER}), and sends that partition's progress, in-band, to every partition of the topic.
 *
 * <p>After the repartition a windowed processor sees the events of every input partition interleaved, each partition's
 * in the order its input task wrote them. How far an input partition has been <em>read</em> ({@link InputWatermark})
 * says nothing about what its task wrote that is still queued in the repartition behind other partitions' records: a
 * correlator that closed its windows by it lost a root sign-in whose failed logins came later through the same
 * repartition partition (issue 10). So once a second (wall clock) each input task writes a <b>progress marker</b> to
 * every partition of the repartition topic: a record with no value, its origin in {@value #HEADER}, and in
 * {@value #PROGRESS} how far its partition is complete ({@link InputWatermark#completeUpTo(int)}: every record
 * before that event time processed). The marker is written after every record the task forwarded before it, by the
 * same producer, so it reaches each repartition partition behind them: a processor that has the marker has every
 * record of that origin before there. {@link WindowedProcessor} closes windows only as far as every input partition's
 * marker allows.
 *
 * <p>Cost: a marker per input partition, repartition topic and repartition partition when the progress moved, or every
 * {@link #HEARTBEAT} when it did not (a processor revived after an exactly-once abort forgets the markers it had and
 * needs a new one): with 8 input partitions, 8 repartition partitions and 4 repartition topics, at most 256 small
 * records a second, against tens of thousands of events.
 */
final class OriginStamp implements Processor<String, CloudTrailEvent, String, CloudTrailEvent> {

    /** The input partition an event or a marker comes from (its number, as text). */
    static final String HEADER = "trailwatch.origin";
    /** A progress marker's completeness: epoch millis, as text. */
    static final String PROGRESS = "trailwatch.progress";
    static final Duration EVERY = Duration.ofSeconds(1);
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final Function<CloudTrailEvent, String> key;
    private final InputWatermark watermark;
    private final Punctuators punctuators = new Punctuators();
    private ProcessorContext<String, CloudTrailEvent> context;
    private int partition;
    private byte[] origin;
    private long sent;
    private long sentAt;

    OriginStamp(Function<CloudTrailEvent, String> key, InputWatermark watermark) {
        this.key = key;
        this.watermark = watermark;
    }

    /**
     * The events {@code wanted} passes, re-keyed by {@code key} and repartitioned through the topic (and the stamping
     * node {@code <name>-origin}) named {@code name}, with their input partitions' progress markers.
     */
    static KStream<String, CloudTrailEvent> repartition(EventRouter events, String name,
                                                        Predicate<? super CloudTrailEvent> wanted,
                                                        Function<CloudTrailEvent, String> key, DetectionKit kit) {
        return events.process(name + "-origin", wanted, () -> new OriginStamp(key, kit.watermark()))
                .repartition(Repartitioned.<String, CloudTrailEvent>as(name)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(JacksonSerde.smile(CloudTrailEvent.class))
                        .withStreamPartitioner(new MarkerPartitioner()));
    }

    /** True for a progress marker (no value) rather than an event. */
    static boolean isMarker(Record<String, CloudTrailEvent> record) {
        return record.value() == null;
    }

    /**
     * A filter after the repartition that lets the progress markers through: the windowed processor behind it needs
     * them whether or not the filter wants any event.
     */
    static org.apache.kafka.streams.kstream.Predicate<String, CloudTrailEvent> passing(
            Predicate<CloudTrailEvent> wanted) {
        return (key, event) -> event == null || wanted.test(event);
    }

    /** A marker's or an event's input partition, or -1 when it has none (not fed through a repartition). */
    static int origin(Headers headers) {
        return (int) number(headers, HEADER, -1);
    }

    /** A marker's completeness, or {@link InputWatermark#NOTHING} when it carries none that can be read. */
    static long progress(Headers headers) {
        return number(headers, PROGRESS, InputWatermark.NOTHING);
    }

    /** The input partition an origin name ({@value #HEADER}'s text) names, or -1 for any other text. */
    static int partitionOf(String origin) {
        try {
            return Integer.parseInt(origin);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long number(Headers headers, String name, long absent) {
        Header header = headers.lastHeader(name);
        if (header == null) {
            return absent;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    @Override
    public void init(ProcessorContext<String, CloudTrailEvent> context) {
        this.context = context;
        this.partition = context.taskId().partition();
        this.origin = Integer.toString(partition).getBytes(StandardCharsets.UTF_8);
        // After a revive the markers sent since the last commit were aborted with it: send the next one regardless.
        this.sent = InputWatermark.NOTHING;
        this.sentAt = Long.MIN_VALUE / 2;
        punctuators.replace(context.schedule(EVERY, PunctuationType.WALL_CLOCK_TIME, this::mark));
    }

    @Override
    public void close() {
        punctuators.cancel();
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        // A copy: the router hands the same record, headers and all, to every step that wants it, and a step after
        // this one that found the stamp would take the event for one fed through a repartition.
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(HEADER);
        headers.add(HEADER, origin);
        context.forward(record.withKey(key.apply(record.value())).withHeaders(headers));
    }

    /**
     * Sends this partition's completeness to every partition of the repartition topic, when it moved or when the last
     * one is a {@link #HEARTBEAT} old. The marker's timestamp is the event time its partition is known to have reached
     * (completeness plus the horizon), so that it moves the downstream task's stream time no further than the events
     * already sent.
     */
    private void mark(long wallClock) {
        long streamTime = context.currentStreamTimeMs();
        watermark.observe(partition, streamTime);
        long complete = watermark.completeUpTo(partition);
        if (complete == InputWatermark.NOTHING || (complete == sent && wallClock - sentAt < HEARTBEAT.toMillis())) {
            return;
        }
        Record<String, CloudTrailEvent> marker = new Record<>(Integer.toString(partition), null,
                Math.max(0, complete + watermark.horizon()));
        marker.headers().add(HEADER, origin);
        marker.headers().add(PROGRESS, Long.toString(complete).getBytes(StandardCharsets.UTF_8));
        context.forward(marker);
        sent = complete;
        sentAt = wallClock;
    }

    /**
     * Events go where their key hashes (the producer's default partitioner, as without this partitioner); a progress
     * marker goes to every partition.
     */
    static final class MarkerPartitioner implements StreamPartitioner<String, CloudTrailEvent> {

        private volatile Optional<Set<Integer>> all = Optional.of(Set.of());

        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, CloudTrailEvent value, int partitions) {
            if (value != null) {
                return Optional.empty();
            }
            Optional<Set<Integer>> every = all;
            if (every.get().size() != partitions) {
                every = Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toUnmodifiableSet()));
                all = every;
            }
            return every;
        }
    }
}
