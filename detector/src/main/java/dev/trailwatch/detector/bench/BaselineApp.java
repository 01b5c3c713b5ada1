package dev.trailwatch.detector.bench;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The bench's streams baseline, run in its own JVM like the detector: the least a Kafka Streams app can do with
 * CloudTrail records (parse with the detector's parser, drop read-only calls, write the event id) under the
 * detector's own Streams settings, {@code exactly_once_v2} included. Not a user command: {@code trailwatch bench}
 * starts it with a properties file as its only argument and stops it with SIGTERM.
 */
public final class BaselineApp {

    /** The topic the baseline writes, created by the bench. */
    static final String OUTPUT = "bench.baseline.out";

    private BaselineApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: BaselineApp <detector properties file>");
            System.exit(2);
        }
        DetectorConfig config = DetectorConfig.load(Path.of(args[0]), Map.of());
        Properties props = config.streamsProperties();
        props.keySet().removeIf(k -> k.toString().contains("exception.handler"));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(config));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        KafkaStreams streams = new KafkaStreams(topology(config.get(Settings.TOPIC_EVENTS)), props);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }, "baseline-shutdown"));
        streams.start();
        stopped.await();
    }

    /** The detector's application id with a suffix: its own consumer group and internal topics. */
    static String applicationId(DetectorConfig config) {
        return config.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-baseline";
    }

    static Topology topology(String input) {
        CloudTrailParser parser = new CloudTrailParser();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .mapValues(parser::parse)
                .filter((k, r) -> r instanceof ParseResult.Parsed p && !p.event().readOnly())
                .mapValues(r -> ((ParseResult.Parsed) r).event().eventId())
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }
}
