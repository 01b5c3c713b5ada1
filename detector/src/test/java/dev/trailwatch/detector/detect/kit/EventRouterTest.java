package dev.trailwatch.detector.detect.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.deadletter.DeadLetterProcessor;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseProcessor;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.topology.DetectorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventRouterTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
    private final StreamsBuilder builder = new StreamsBuilder();
    private final EventRouter router = EventRouter.over(builder
            .stream("raw", Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .process(() -> new ParseProcessor(new CloudTrailParser(), metrics), Named.as("parse")));
    /** Which step saw which event, in the order the steps were called. */
    private final List<String> seen = new ArrayList<>();
    private TopologyTestDriver driver;
    private Path stateDir;

    @AfterEach
    void close() throws Exception {
        if (driver != null) {
            driver.close();
        }
        if (stateDir != null) {
            try (var files = Files.walk(stateDir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void handsEachEventOnlyToTheStepsWhosePredicatePasses() {
        router.process("every", recording("every"));
        router.process("logging", e -> "cloudtrail.amazonaws.com".equals(e.eventSource()), recording("logging"));
        router.process("denied", CloudTrailEvent::isDenied, recording("denied"));

        pipe(TestEvents.stopLogging(T0).eventId("stop"), TestEvents.event("ec2.amazonaws.com", "DescribeInstances", T0)
                .eventId("describe"), TestEvents.event("iam.amazonaws.com", "GetUser", T0).eventId("denied-get")
                .error("AccessDenied", "User is not authorized"));

        assertThat(seen).containsExactly("every:stop", "logging:stop", "every:describe", "every:denied-get",
                "denied:denied-get");
    }

    @Test
    void sendsARecordItCannotReadOnlyToTheDeadLetterStepWithItsReason() {
        router.process("every", recording("every"));
        router.rejected("dead-letter", () -> new DeadLetterProcessor<ParseResult>(r -> (ParseResult.Rejected) r))
                .to("dlq", Produced.with(Serdes.String(), Serdes.ByteArray()));
        start();
        TestInputTopic<String, byte[]> raw = input();
        raw.pipeInput("111122223333", "not json".getBytes(StandardCharsets.UTF_8), T0);
        raw.pipeInput("111122223333", TestEvents.stopLogging(T0).eventId("stop").bytes(), T0);

        var deadLetters = driver.createOutputTopic("dlq", Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer()).readRecordsToList();
        assertThat(deadLetters).hasSize(1);
        assertThat(new String(deadLetters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(deadLetters.get(0).headers().lastHeader("trailwatch.dlq.reason")).isNotNull();
        assertThat(seen).containsExactly("every:stop");
    }

    /**
     * The router forwards the record the parse node made (the event itself, its headers those of the record context)
     * to every step: each step sees the input's headers and the event's time, as when it forwarded a copy.
     */
    @Test
    void everyStepSeesTheInputsHeadersAndTheEventsTime() {
        List<String> stamped = new ArrayList<>();
        ProcessorSupplier<String, CloudTrailEvent, String, String> reading = () -> new ContextualProcessor<>() {
            @Override
            public void process(Record<String, CloudTrailEvent> record) {
                var header = record.headers().lastHeader("trailwatch.source");
                stamped.add(record.value().eventId() + "@" + Instant.ofEpochMilli(record.timestamp()) + " from "
                        + (header == null ? null : new String(header.value(), StandardCharsets.UTF_8)));
            }
        };
        router.process("every", reading);
        router.process("logging", e -> "cloudtrail.amazonaws.com".equals(e.eventSource()), reading);
        start();
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders()
                .add("trailwatch.source", "s3://trail/AWSLogs".getBytes(StandardCharsets.UTF_8));
        input().pipeInput(new org.apache.kafka.streams.test.TestRecord<>(TestEvents.ACCOUNT,
                TestEvents.stopLogging(T0).eventId("stop").bytes(), headers, T0.plusSeconds(3_600)));

        assertThat(stamped).containsExactly("stop@" + T0 + " from s3://trail/AWSLogs",
                "stop@" + T0 + " from s3://trail/AWSLogs");
    }

    @Test
    void evaluatesAPredicateSharedByAdjacentStepsOncePerEvent() {
        AtomicInteger tests = new AtomicInteger();
        Predicate<CloudTrailEvent> denied = e -> {
            tests.incrementAndGet();
            return e.isDenied();
        };
        router.process("by-principal", denied, recording("by-principal"));
        router.process("by-ip", denied, recording("by-ip"));

        pipe(TestEvents.event("iam.amazonaws.com", "GetUser", T0).eventId("d").error("AccessDenied", "no"),
                TestEvents.event("iam.amazonaws.com", "GetUser", T0).eventId("ok"));

        assertThat(tests).hasValue(2);
        assertThat(seen).containsExactly("by-principal:d", "by-ip:d");
    }

    @Test
    void refusesAStepNamedTwice() {
        router.process("every", recording("every"));
        assertThatThrownBy(() -> router.process("every", e -> true, recording("again")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'every' attached twice");
    }

    @Test
    void refusesAChildOfTheNodeAttachedAroundIt() {
        router.process("every", recording("every"));
        Topology topology = builder.build();
        topology.addProcessor("rogue", recording("rogue"), EventRouter.NAME);

        assertThatThrownBy(() -> router.checkWired(topology.describe()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("[rogue]");
    }

    /**
     * The detector's main stream: read, parse, route; from the router only the steps that read every event and the
     * first steps of the detections (no filter node, no split or unwrap between parse and route).
     */
    @Test
    void theDetectorsEventsReachEachDetectionThroughTheRouterAlone() {
        TopologyDescription description = DetectorTopology.build(DetectorConfig.defaults(), RulePack.load(null),
                metrics).describe();

        assertThat(successors(description, "read-events")).containsExactly("parse");
        assertThat(successors(description, "parse")).containsExactly(EventRouter.NAME);
        assertThat(successors(description, EventRouter.NAME)).containsExactlyInAnyOrder("dead-letter",
                "input-progress", "watchlist-match", "first-use-baseline", "foreign-account", "trail-silent-watch",
                "console-login-by-ip-origin", "failed-console-login-burst-by-user",
                "access-denied-burst-by-principal-origin", "access-denied-burst-by-ip-origin",
                "credential-harvesting-burst-by-principal", "instance-credential-exfiltration-by-instance",
                "workload-credential-exfiltration-by-session",
                "s3-mass-deletion-objects", "s3-mass-deletion-version-wipe", "discovery-burst-by-principal",
                "bedrock-region-sweep-by-caller", "ses-enumeration-by-caller");
    }

    private static Set<String> successors(TopologyDescription description, String node) {
        return description.subtopologies().stream().flatMap(sub -> sub.nodes().stream())
                .filter(n -> n.name().equals(node)).flatMap(n -> n.successors().stream())
                .map(TopologyDescription.Node::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private void pipe(TestEvents... events) {
        start();
        TestInputTopic<String, byte[]> raw = input();
        for (TestEvents event : events) {
            raw.pipeInput(TestEvents.ACCOUNT, event.bytes(), T0);
        }
    }

    private void start() {
        Topology topology = builder.build();
        router.checkWired(topology.describe());
        try {
            stateDir = Files.createTempDirectory("event-router-test-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.putAll(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "event-router-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092", StreamsConfig.STATE_DIR_CONFIG,
                stateDir.toString()));
        driver = new TopologyTestDriver(topology, props);
    }

    private TestInputTopic<String, byte[]> input() {
        return driver.createInputTopic("raw", Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    private ProcessorSupplier<String, CloudTrailEvent, String, String> recording(String step) {
        return () -> new ContextualProcessor<>() {
            @Override
            public void process(Record<String, CloudTrailEvent> record) {
                seen.add(step + ":" + record.value().eventId());
            }
        };
    }
}
