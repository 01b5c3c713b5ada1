package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.topology.DetectorTopology;
import dev.trailwatch.detector.topology.Topics;
import dev.trailwatch.detector.tuning.TuningSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * discovery-burst's calls store holds its principals' buckets as a journal of changes, written before each commit:
 * the journal must hold every call of a committed record, and replaying it must give back the buckets exactly.
 */
class CallJournalTest {

    private static final String CALLS_STORE = "discovery-burst-by-principal-calls";
    private static final String[] SOURCES = {"iam.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com",
        "sts.amazonaws.com"};

    @TempDir
    Path stateDir;

    @Test
    void everyNewCallIsInTheJournalOnceItsRecordIsCommitted() {
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, byte[]> events = driver.createInputTopic(
                    Topics.from(DetectorConfig.defaults()).events().name(), Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            WindowStore<String, byte[]> calls = driver.getWindowStore(CALLS_STORE);
            String[] names = {"ListRoles", "ListUsers", "GetAccountSummary", "ListBuckets", "ListRoles"};
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < names.length; i++) {
                TestEvents call = TestEvents.event(SOURCES[i % 2], names[i], atSeconds(10L * i)).user("mallory");
                events.pipeInput(new TestRecord<>(TestEvents.ACCOUNT, call.bytes(), atSeconds(10L * i)));
                expected.add(SOURCES[i % 2] + ':' + names[i]);

                // the driver commits after each record: the commit hook has written the record's change by then
                assertThat(journaled(calls)).as("after record %d", i).isEqualTo(expected);
            }
            assertThat(expected).hasSize(4);
        }
    }

    @Test
    void replayingTheChangesInTheirOrderGivesBackTheBucketWhateverItHeld() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            CallBucket live = CallBucket.EMPTY;
            List<CallBucket.Call> changes = new ArrayList<>();
            int distinct = run % 2 == 0 ? 12 : CallBucket.MAX_CALLS + 40;
            for (int i = 0; i < 3 * distinct; i++) {
                CloudTrailEvent event = event(SOURCES[random.nextInt(SOURCES.length)], "List" + random.nextInt(distinct),
                        random.nextInt(600), "e-" + random.nextInt(1_000_000), random.nextInt(4) == 0);
                CallBucket after = live.with(event, event.isDenied());
                if (after != live) {
                    changes.add(after.call(event.eventSource(), event.eventName()));
                    live = after;
                }
            }
            String account = run % 3 == 0 ? null : TestEvents.ACCOUNT;
            List<CallJournal.Change> journal = changes.stream()
                    .map(c -> new CallJournal.Change(account, "arn:aws:iam::1:user/p", c)).toList();
            CallBucket replayed = CallBucket.EMPTY;
            for (CallJournal.Change change : CallJournal.read(CallJournal.bytes(journal))) {
                assertThat(change.account()).isEqualTo(account);
                assertThat(change.principal()).isEqualTo("arn:aws:iam::1:user/p");
                replayed = replayed.withCall(change.call());
            }
            assertThat(replayed).as("run %d", run).isEqualTo(live);
        }
    }

    @Test
    void entriesOfVersion3AreStillRead() {
        List<CallJournal.Change> changes = List.of(
                new CallJournal.Change(TestEvents.ACCOUNT, "arn:aws:iam::1:user/p",
                        new CallBucket.Call("iam.amazonaws.com", "ListRoles", true, 1_700_000_000_000L, "e-1")),
                new CallJournal.Change(null, "AWSAccount",
                        new CallBucket.Call("s3.amazonaws.com", "ListBuckets", false, 1_700_000_001_000L, null)));
        BinaryCodec.Out out = new BinaryCodec.Out(64).writeByte(3);
        byte[] version3 = out.writeList(changes, (o, change) -> {
            CallBucket.Call call = change.call();
            o.writeString(change.account()).writeString(change.principal()).writeString(call.source())
                    .writeString(call.name()).writeBoolean(call.denied()).writeLong(call.time())
                    .writeString(call.eventId());
        }).toByteArray();
        assertThat(CallJournal.read(version3)).isEqualTo(changes);
    }

    @Test
    void namesEachPrincipalAndCallOncePerEntryAndGivesBackEveryEventIdAsItCame() {
        List<CallJournal.Change> changes = new ArrayList<>();
        long v3Bytes = 1;
        Random random = new Random(3);
        String[] odd = {"E0C2B2B6-7D4A-4C1F-9A0B-1C2D3E4F5A6B", "e0c2b2b6-7d4a-4c1f-9a0b-1c2d3e4f5a6", "",
            "00000000-0000-0000-0000-000000000000", "e0c2b2b6+7d4a-4c1f-9a0b-1c2d3e4f5a6b"};
        for (int i = 0; i < 600; i++) {
            String principal = "arn:aws:sts::111122223333:assumed-role/app-" + (i % 300) + "/session-" + (i % 300);
            String id = i < odd.length ? odd[i] : UUID.randomUUID().toString();
            CallBucket.Call call = new CallBucket.Call(SOURCES[i % SOURCES.length], "Describe" + random.nextInt(20),
                    i % 7 == 0, 1_700_000_000_000L + random.nextInt(300_000) - 150_000, id);
            changes.add(new CallJournal.Change("111122223333", principal, call));
            v3Bytes += 2 + 12 + 1 + principal.length() + 1 + call.source().length() + 1 + call.name().length() + 1
                    + 8 + 1 + id.length();
        }
        byte[] entry = CallJournal.bytes(changes);
        assertThat(CallJournal.read(entry)).isEqualTo(changes);
        // each principal twice, 20 calls: the second mention of a principal and every call name cost a few bytes
        assertThat(entry.length).isLessThan((int) (v3Bytes * 6 / 10));
    }

    /** The rows of {@link #VERSION_4_BY_SESSION_18}: account, principal, source, name, denied, time, event id. */
    private static final String[][] GOLDEN = {
        {"111122223333", "arn:aws:iam::111122223333:user/alice", "iam.amazonaws.com", "ListRoles", "0", "1700000000000",
            "f47ac10b-58cc-4372-a567-0e02b2c3d479"},
        {"111122223333", "arn:aws:iam::111122223333:user/alice", "s3.amazonaws.com", "ListBuckets", "1", "1699999999000",
            "0a1b2c3d-0000-4000-8000-ffffffffffff"},
        {null, "AWSAccount", "ec2.amazonaws.com", "DescribeInstances", "0", "1700000001000", "e-1"},
        {"111122223333", "arn:aws:sts::111122223333:assumed-role/r/j\u00f6rg", "iam.amazonaws.com", "ListRoles", "1",
            "1700000300000", "F47AC10B-58CC-4372-A567-0E02B2C3D479"},
        {"111122223333", "arn:aws:iam::111122223333:user/alice", "iam.amazonaws.com", "ListRoles", "1", "1700000000000",
            "80000000-0000-0000-0000-000000000000"},
        {"444455556666", "arn:aws:iam::111122223333:user/alice", "s3.amazonaws.com", "GetObject\u00e9", "0",
            "1699999000000", ""},
        {"111122223333", "arn:aws:iam::111122223333:user/alice", "sts.amazonaws.com", "GetCallerIdentity", "0",
            "1700000000000", "7fffffff-ffff-ffff-ffff-ffffffffffff"},
        {null, "AWSAccount", "ec2.amazonaws.com", "DescribeInstances", "1", "1700000001000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff"},
        {"111122223333", "arn:aws:sts::111122223333:assumed-role/r/j\u00f6rg", "ec2.amazonaws.com", "DescribeInstances",
            "0", "1700000002000", "f47ac10b-58cc-4372-a567-0e02b2c3d47"},
    };

    /**
     * The entry session 18's writer (event ids as Strings, each parsed at the commit) made of {@link #GOLDEN}: UUIDs
     * with either half's sign bit set, ids that are not lowercase UUIDs, a null account, times before the first.
     */
    private static final String VERSION_4_BY_SESSION_18 =
            "04040d3131313132323232333333332561726e3a6177733a69616d3a3a3131313132323232333333333a757365722f61"
            + "6c696365000b4157534163636f756e740d3131313132323232333333332f61726e3a6177733a7374733a3a3131313132"
            + "323232333333333a617373756d65642d726f6c652f722f6ac3b672670d3434343435353535363636362561726e3a6177"
            + "733a69616d3a3a3131313132323232333333333a757365722f616c696365051269616d2e616d617a6f6e6177732e636f"
            + "6d0a4c697374526f6c65731173332e616d617a6f6e6177732e636f6d0c4c6973744275636b657473126563322e616d61"
            + "7a6f6e6177732e636f6d124465736372696265496e7374616e6365731173332e616d617a6f6e6177732e636f6d0c4765"
            + "744f626a656374c3a9127374732e616d617a6f6e6177732e636f6d1247657443616c6c65724964656e74697479000001"
            + "8bcfe568000900000200f47ac10b58cc4372a5670e02b2c3d479000103cf0f0a1b2c3d000040008000ffffffffffff01"
            + "0200d00f04652d31020001c0cf242546343741433130422d353843432d343337322d413536372d304530324232433344"
            + "3437390000030080000000000000000000000000000000030300ff887a01000402007fffffffffffffffffffffffffff"
            + "ffff010203d00fffffffffffffffffffffffffffffffff020200a01f2466343761633130622d353863632d343337322d"
            + "613536372d3065303262326333643437";

    @Test
    void entriesAreByteForByteWhatTheWriterOfEventIdsAsStringsWrote() {
        List<CallJournal.Change> changes = new ArrayList<>();
        for (String[] row : GOLDEN) {
            changes.add(new CallJournal.Change(row[0], row[1], new CallBucket.Call(row[2], row[3], row[4].equals("1"),
                    Long.parseLong(row[5]), row[6])));
        }
        byte[] expected = HexFormat.of().parseHex(VERSION_4_BY_SESSION_18);
        assertThat(CallJournal.bytes(changes)).isEqualTo(expected);
        assertThat(CallJournal.read(expected)).isEqualTo(changes);

        // and as the counter feeds it: each call's event id as the bucket holds it (halves, or the String)
        DiscoveryCalls names = new DiscoveryCalls();
        Map<String, DiscoveryPrincipal> principals = new HashMap<>();
        CallJournal.Writer writer = new CallJournal.Writer(names);
        for (CallJournal.Change change : changes) {
            CallBucket.Call call = change.call();
            DiscoveryPrincipal who = principals.computeIfAbsent(change.entity(),
                    e -> new DiscoveryPrincipal(change.account(), change.principal()));
            DiscoveryPrincipal.Bucket bucket = new DiscoveryPrincipal.Bucket();
            int id = names.id(call.source(), call.name());
            bucket.set(id, call.time(), new EventId().of(call.eventId()), call.denied());
            writer.add(who, id, bucket.denied(0), bucket.time(0), bucket.high(0), bucket.low(0), bucket.other(0));
        }
        assertThat(writer.bytes()).isEqualTo(expected);
    }

    @Test
    void aPrincipalInManyEntriesIsWrittenAndReadTheSameInEach() {
        // the writer encodes a principal's and a call's strings once and copies them into each later entry; the writer
        // itself is reused
        DiscoveryCalls names = new DiscoveryCalls();
        DiscoveryPrincipal[] principals = {new DiscoveryPrincipal(TestEvents.ACCOUNT, "arn:aws:iam::1:user/p"),
            new DiscoveryPrincipal(null, "AWSAccount"),
            new DiscoveryPrincipal(TestEvents.ACCOUNT, "arn:aws:sts::1:assumed-role/r/j\u00f6rg-\u6771\u4eac")};
        int[] calls = {names.id("iam.amazonaws.com", "ListRoles"), names.id("s3.amazonaws.com", "GetObject\u00e9")};
        // one writer, reset for each entry as the counter's are from commit to commit
        CallJournal.Writer writer = new CallJournal.Writer(names);
        for (int entry = 0; entry < 3; entry++) {
            writer.reset(names);
            List<CallJournal.Change> expected = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                DiscoveryPrincipal who = principals[(i + entry) % principals.length];
                int call = calls[(i + entry) % calls.length];
                long time = 1_700_000_000_000L + 1_000L * i;
                String id = UUID.nameUUIDFromBytes(new byte[] {(byte) entry, (byte) i}).toString();
                EventId parsed = new EventId().of(id).parsed();
                writer.add(who, call, i == 4, time, parsed.high, parsed.low, parsed.other);
                expected.add(new CallJournal.Change(who.account, who.principal,
                        new CallBucket.Call(names.source(call), names.name(call), i == 4, time, id)));
            }
            byte[] bytes = writer.bytes();
            assertThat(CallJournal.read(bytes)).as("entry %d", entry).isEqualTo(expected);
            assertThat(bytes).as("entry %d", entry).isEqualTo(CallJournal.bytes(expected));
        }
    }

    @Test
    void entryKeysSortAsTheirSequenceNumbersAndAreTellableFromBucketsStoredBeforeTheJournal() {
        assertThat(Journal.key(9)).isLessThan(Journal.key(10));
        assertThat(Journal.sequence(Journal.key(1_234_567_890_123L))).isEqualTo(1_234_567_890_123L);
        assertThat(Journal.isEntry(Journal.key(0))).isTrue();
        assertThat(Journal.isEntry(DiscoveryCounter.entity(TestEvents.ACCOUNT, "arn:aws:iam::1:user/a")))
                .isFalse();
    }

    private static Set<String> journaled(WindowStore<String, byte[]> calls) {
        Set<String> labels = new HashSet<>();
        try (KeyValueIterator<Windowed<String>, byte[]> all = calls.all()) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, byte[]> entry = all.next();
                assertThat(Journal.isEntry(entry.key.key())).isTrue();
                CallJournal.read(entry.value).forEach(change -> labels.add(change.call().label()));
            }
        }
        return labels;
    }

    private static CloudTrailEvent event(String source, String name, long second, String id, boolean denied) {
        TestEvents e = TestEvents.event(source, name, Instant.ofEpochSecond(1_700_000_000L + second)).user("p");
        e.eventId(id);
        if (denied) {
            e.error("AccessDenied", "not authorized");
        }
        return ((ParseResult.Parsed) new CloudTrailParser().parse(e.bytes())).event();
    }

    private TopologyTestDriver driver() {
        DetectorConfig config = DetectorConfig.defaults().with(Map.of("burst.discovery.scope", "all"));
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(DetectorTopology.build(config, TopologyHarness.rules(),
                new TrailWatchMetrics(new SimpleMeterRegistry()), FlushSignal.never(), TuningSet::empty,
                new InputWatermark(config.get(Settings.REORDER_HORIZON), 1)), props);
    }
}
