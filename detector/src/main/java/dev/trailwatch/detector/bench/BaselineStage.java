package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Stage 2: the least a Kafka Streams app can do with these records (parse, drop the reads, write an id) under the
 * detector's own Streams settings, exactly_once_v2 included, in the bench's JVM.
 */
final class BaselineStage {

    static final String OUTPUT = "bench.baseline.out";

    private BaselineStage() {
    }

    static Throughput.Rate run(String topic, DetectorConfig detectorConfig, Path stateDir, long events,
                               double warmup, Duration timeout) throws Exception {
        Properties props = detectorConfig.streamsProperties();
        props.keySet().removeIf(k -> k.toString().contains("exception.handler"));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trailwatch-bench-baseline-" + Long.toHexString(System.nanoTime()));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir).toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        CloudTrailParser parser = new CloudTrailParser();
        AtomicLong processed = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .peek((k, v) -> processed.incrementAndGet())
                .mapValues(parser::parse)
                .filter((k, r) -> r instanceof ParseResult.Parsed p && !p.event().readOnly())
                .mapValues(r -> ((ParseResult.Parsed) r).event().eventId())
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            return Throughput.measure("baseline", events, warmup, processed::get, () -> running(streams.state()),
                    timeout, Duration.ofMillis(2));
        }
    }

    private static boolean running(KafkaStreams.State state) {
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING
                && state != KafkaStreams.State.PENDING_SHUTDOWN && state != KafkaStreams.State.PENDING_ERROR;
    }
}
