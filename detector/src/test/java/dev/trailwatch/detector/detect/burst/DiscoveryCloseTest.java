package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.tuning.TuningSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a discovery-burst pair that alerted has its last word: only once every input partition is past it (the
 * reorder-horizon watermark), which, while another partition or instance is read from far behind, can be long after
 * this task's own event time has aged the pair's buckets out of the calls' window store. Its last word must still list
 * every call it took, as event-time order on one partition would.
 *
 * <p>Controlled clocks: the real topology in a TopologyTestDriver, with an input of two partitions of which the driver
 * feeds one; the test says how far the other has been read.
 */
class DiscoveryCloseTest {

    private static final String ID = DiscoveryBurstDetector.ID;
    private static final String STATE_STORE = "discovery-burst-by-principal-state";
    private static final String INSTANCE_ARN =
            "arn:aws:sts::" + TestEvents.ACCOUNT + ":assumed-role/web-tier-role/i-0a1b2c3d4e5f60718";
    /** Twelve distinct reads across six services, as ec2-enumerate-from-instance makes them. */
    private static final String[][] SWEEP = {{"sts.amazonaws.com", "GetCallerIdentity"},
        {"s3.amazonaws.com", "ListBuckets"}, {"iam.amazonaws.com", "GetAccountSummary"},
        {"iam.amazonaws.com", "ListRoles"}, {"iam.amazonaws.com", "ListUsers"},
        {"iam.amazonaws.com", "GetAccountAuthorizationDetails"}, {"ec2.amazonaws.com", "DescribeSnapshots"},
        {"ec2.amazonaws.com", "DescribeInstances"}, {"cloudtrail.amazonaws.com", "DescribeTrails"},
        {"guardduty.amazonaws.com", "ListDetectors"}, {"ec2.amazonaws.com", "DescribeVolumes"},
        {"iam.amazonaws.com", "ListPolicies"}};

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, Alert> alerts;
    private final Map<String, Alert> seen = new LinkedHashMap<>();

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void aFiredPairsLastWordListsEveryCallWhenAnotherPartitionHoldsItsCloseBackPastTheWindowStoresRetention() {
        InputWatermark watermark = start(2);
        List<TestEvents> sweep = sweep();
        sweep.forEach(this::pipe);
        // the instance keeps running its own code afterwards: one routine read an hour on, two hours on
        pipe(fromInstance("ec2.amazonaws.com", "DescribeTags", at(Duration.ofHours(1))));
        pipe(fromInstance("ec2.amazonaws.com", "DescribeTags", at(Duration.ofHours(2))));
        assertThat(lastWords()).as("nothing closes while the other partition is not read past the pair").hasSize(1)
                .allSatisfy(a -> assertThat(a.eventCount()).isEqualTo(8));

        // the other partition catches up: the pair may close, two hours of event time after its buckets were written
        readUpTo(watermark, at(Duration.ofHours(2)));
        pipe(fromInstance("ec2.amazonaws.com", "DescribeTags", at(Duration.ofHours(2).plusMinutes(2))));

        Alert last = lastWords().get(0);
        assertThat(last.eventCount()).isEqualTo(SWEEP.length);
        assertThat(last.eventIds()).containsExactlyElementsOf(sweep.stream().map(TestEvents::eventId).toList());
        assertThat(last.evidence().get("calls").toString()).contains("iam.amazonaws.com:ListPolicies",
                "ec2.amazonaws.com:DescribeVolumes");
        assertThat(last.lastEventTime()).isEqualTo(atSeconds(180 + 25L * (SWEEP.length - 1)));
    }

    @Test
    void readsStateWrittenBeforeFiredPairsKeptTheirCalls() throws Exception {
        ObjectMapper smile = new ObjectMapper(new SmileFactory());
        ObjectNode old = smile.createObjectNode().put("dueAt", 1_000L);
        ObjectNode pair = old.putArray("fired").addObject().put("start", 600_000L).put("reported", 42L)
                .put("pendingSince", 0L);
        pair.putObject("anchor").put("accountId", TestEvents.ACCOUNT).put("principal", INSTANCE_ARN);

        DiscoveryState read = JacksonSerde.smile(DiscoveryState.class).deserializer()
                .deserialize("t", smile.writeValueAsBytes(old));

        assertThat(read.fired()).singleElement().satisfies(f -> {
            assertThat(f.start()).isEqualTo(600_000L);
            assertThat(f.reported()).isEqualTo(42L);
            assertThat(f.anchor().principal()).isEqualTo(INSTANCE_ARN);
            assertThat(f.hasCalls()).isFalse();
        });
    }

    @Test
    void aFiredPairsCallsSurviveTheStateFormat() {
        start(1);
        List<TestEvents> sweep = sweep();
        sweep.forEach(this::pipe);
        KeyValueStore<String, byte[]> state = driver.getKeyValueStore(STATE_STORE);
        StateJournal<DiscoveryState> journal = new StateJournal<>(state, DiscoveryState.SERDE);
        journal.load();
        DiscoveryState stored = journal.get(DiscoveryCounter.entity(TestEvents.ACCOUNT, INSTANCE_ARN));
        var serde = JacksonSerde.smile(DiscoveryState.class);

        DiscoveryState read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", stored));

        assertThat(read).isEqualTo(stored);
        assertThat(read.fired()).singleElement().satisfies(f -> {
            assertThat(f.first().calls()).extracting(CallBucket.Call::denied).contains(true, false);
            assertThat(f.first().size() + f.second().size()).isEqualTo(SWEEP.length);
        });
    }

    /** The sweep, 25 s apart from T0 + 3 min, across a 5-minute bucket boundary; every fourth call denied. */
    private static List<TestEvents> sweep() {
        List<TestEvents> out = new ArrayList<>();
        for (int i = 0; i < SWEEP.length; i++) {
            TestEvents call = fromInstance(SWEEP[i][0], SWEEP[i][1], atSeconds(180 + 25L * i));
            if (i % 4 == 3) {
                call.error("AccessDenied", "User: " + INSTANCE_ARN + " is not authorized to perform: " + SWEEP[i][1]);
            }
            out.add(call);
        }
        return out;
    }

    private static TestEvents fromInstance(String source, String name, Instant time) {
        TestEvents e = TestEvents.event(source, name, time).sourceIp("203.0.113.45");
        e.json().put("userAgent", "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2023");
        ObjectNode id = e.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLEWEBTIER01:i-0a1b2c3d4e5f60718");
        id.put("arn", INSTANCE_ARN);
        id.put("accountId", TestEvents.ACCOUNT);
        return e;
    }

    /** The topology with discovery-burst on and a 15-minute horizon, over an input of {@code partitions}. */
    private InputWatermark start(int partitions) {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of(Settings.REORDER_HORIZON.name(), "15m",
                "burst.discovery.scope", "all"));
        InputWatermark watermark = new InputWatermark(config.get(Settings.REORDER_HORIZON), partitions);
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(DetectorTopology.build(config, TopologyHarness.rules(), metrics,
                FlushSignal.never(), TuningSet::empty, watermark), props);
        Topics topics = Topics.from(config);
        events = driver.createInputTopic(topics.events().name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic(topics.alerts().name(), Serdes.String().deserializer(),
                topics.alerts().valueSerde().deserializer());
        return watermark;
    }

    /** Every input partition read up to {@code time} (what the instance's progress monitor would report). */
    private static void readUpTo(InputWatermark watermark, Instant time) {
        for (int p = 0; p < 2; p++) {
            watermark.observe(p, time.toEpochMilli());
        }
    }

    private void pipe(TestEvents event) {
        Instant time = Instant.parse(event.json().get("eventTime").asText());
        events.pipeInput(new TestRecord<>(TestEvents.ACCOUNT, event.bytes(), time));
    }

    /** The discovery-burst alerts so far, the last record of each alert id. */
    private List<Alert> lastWords() {
        Map<String, Alert> last = new LinkedHashMap<>();
        alerts.readValuesToList().stream().filter(a -> a.ruleId().equals(ID)).forEach(a -> last.put(a.alertId(), a));
        seen.putAll(last);
        return List.copyOf(seen.values());
    }
}
