package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import dev.trailwatch.detector.CommittedStores;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * discovery-burst's journal at the counter level, committed where the test says: a {@link DiscoveryCounter} on a mock
 * context, its state and expiry stores in memory ({@link MockBurstStores}), its calls store the RocksDB window store
 * {@link DiscoveryCounter#callsStoreBuilder} makes (changelog off; opened by a driver that never gets a record, as
 * Kafka Streams initialises a window store only with its internal context), and its commits run as Kafka Streams runs
 * them ({@link CommitHook#flushCache} before the task commits, {@link CommitHook#clearCache} when it drops its
 * uncommitted work). A TopologyTestDriver cannot do this: it commits after every record it processes, whatever
 * {@code commit.interval.ms} says, so no commit of its holds more than one record's changes.
 *
 * <p>Each case stops the counter at a commit and starts another on the stores as that commit left them (a restart,
 * or a move to another instance, which restores the stores from their changelogs), or revives it after an
 * exactly-once abort; the alerts of the continued run (ids, calls listed, event ids, severity, and the last word of
 * each) must equal those of one counter fed the same records without a break. The alerts are made after a break from
 * calls on both sides of it, so a call the journal lost or misplaced changes them.
 */
class DiscoveryJournalTest {

    private static final String ID = DiscoveryBurstDetector.ID;
    private static final String NAME = ID + "-by-principal";
    /** The default 10-minute window: two 5-minute buckets; the default 15-minute grace. */
    private static final long BUCKET = Duration.ofMinutes(5).toMillis();
    private static final long GRACE = Duration.ofMinutes(15).toMillis();
    private static final long K = T0.toEpochMilli();
    private static final String OTHER_ACCOUNT = "444455556666";
    private static final String CLI = "aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64";
    private static final CloudTrailParser PARSER = new CloudTrailParser();

    /** Sixteen read calls across ten services, as enumeration tools make them. */
    private static final String[][] CALLS = {
        {"sts.amazonaws.com", "GetCallerIdentity"}, {"s3.amazonaws.com", "ListBuckets"},
        {"iam.amazonaws.com", "ListRoles"}, {"iam.amazonaws.com", "ListUsers"},
        {"ec2.amazonaws.com", "DescribeInstances"}, {"cloudtrail.amazonaws.com", "DescribeTrails"},
        {"iam.amazonaws.com", "GetAccountSummary"}, {"ec2.amazonaws.com", "DescribeSnapshots"},
        {"guardduty.amazonaws.com", "ListDetectors"}, {"kms.amazonaws.com", "ListKeys"},
        {"lambda.amazonaws.com", "ListFunctions20150331"}, {"secretsmanager.amazonaws.com", "ListSecrets"},
        {"rds.amazonaws.com", "DescribeDBInstances"}, {"iam.amazonaws.com", "ListPolicies"},
        {"ec2.amazonaws.com", "DescribeVolumes"}, {"ec2.amazonaws.com", "DescribeSecurityGroups"}};

    @TempDir
    Path stateDir;
    private int ids;
    /** The drivers holding the runs' calls stores, closed after each test. */
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @AfterEach
    void closeStores() {
        drivers.forEach(TopologyTestDriver::close);
    }

    /**
     * (a) 120 principals (60 names, each in two accounts: the mirror chains them by name) change three bucket starts
     * in one commit; after a restart their late and new calls make pairs that alert only with what that one commit
     * wrote at each start.
     */
    @Test
    void oneCommitOfManyPrincipalsAtThreeBucketStartsIsReadBackWhole() {
        List<CloudTrailEvent> before = new ArrayList<>();
        List<CloudTrailEvent> after = new ArrayList<>();
        int[][] beforeCalls = {{0, 1, 2}, {3, 4, 5}, {6, 7}};
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < beforeCalls[b].length; j++) {
                for (int u = 0; u < 60; u++) {
                    for (String account : List.of(TestEvents.ACCOUNT, OTHER_ACCOUNT)) {
                        int c = beforeCalls[b][j];
                        // every fourth user's sts, iam and ec2 calls refused: MEDIUM when three are in a pair
                        boolean denied = u % 4 == 0 && (c == 0 || c == 2 || c == 4);
                        before.add(call(account, "user" + u, c,
                                K + b * BUCKET + 60_000 + 20_000L * j + 100L * u, denied));
                    }
                }
            }
        }
        // late calls into the middle bucket, then new ones in the last
        for (int[] late : new int[][] {{1, 8}, {1, 9}, {2, 10}, {2, 11}}) {
            for (int u = 0; u < 60; u++) {
                for (String account : List.of(TestEvents.ACCOUNT, OTHER_ACCOUNT)) {
                    after.add(call(account, "user" + u, late[1], K + late[0] * BUCKET + 180_000 + 100L * u, false));
                }
            }
        }

        Run uninterrupted = new Run("uninterrupted");
        uninterrupted.feed(before);
        uninterrupted.feed(after);
        Map<String, Alert> expected = uninterrupted.finish();

        Run restarted = new Run("restarted");
        restarted.feed(before);
        restarted.commit();
        List<Long> starts = restarted.journal().stream().map(JournalEntry::start).distinct().toList();
        assertThat(restarted.alerts()).as("no pair qualifies before the restart").isEmpty();
        restarted.restart();
        restarted.feed(after);
        Map<String, Alert> continued = restarted.finish();

        assertThat(expected).as("both pairs of every principal in both accounts").hasSize(240);
        String medium = entity(TestEvents.ACCOUNT, "user0");
        assertThat(expected.get(alertId(medium, K)).severity()).isEqualTo(Severity.MEDIUM);
        assertThat(expected.get(alertId(entity(OTHER_ACCOUNT, "user1"), K)).severity()).isEqualTo(Severity.LOW);
        assertThat(expected.get(alertId(medium, K)).evidence().get("calls")).asInstanceOf(LIST).hasSize(8);
        assertThat(continued).isEqualTo(expected);
        assertThat(starts).as("the one commit wrote changes at three bucket starts")
                .containsExactly(K, K + BUCKET, K + 2 * BUCKET);
    }

    /**
     * (b) One commit with more than {@link CallJournal#CHUNK} changes at one bucket start: a fleet's reads and the
     * attacker's arriving late into a bucket, after the attacker's first calls in the next (so the chunked bucket is
     * not the first the commit wrote to, and is the earliest of its starts). The attacker's calls in the chunked bucket
     * sit before and after the chunk's boundary; the pair holding that bucket alerts only with all of them, and the
     * next pair only without them.
     */
    @Test
    void aBucketWithMoreChangesThanAChunkInOneCommitIsReadBackWhole() {
        List<CloudTrailEvent> before = new ArrayList<>();
        before.add(call(TestEvents.ACCOUNT, "mallory", 3, K + BUCKET + 10_000, false));
        before.add(call(TestEvents.ACCOUNT, "mallory", 4, K + BUCKET + 20_000, true));
        int fleet = CallJournal.CHUNK + 500;
        int[] attackerAt = {200, CallJournal.CHUNK + 100, CallJournal.CHUNK + 400};
        int next = 0;
        for (int i = 0; i < fleet; i++) {
            long time = K + 60_000 + 10L * i;
            if (next < 3 && i == attackerAt[next]) {
                before.add(call(TestEvents.ACCOUNT, "mallory", next, time, next == 1));
                next++;
            }
            // a fleet of service users, one read each
            before.add(call(TestEvents.ACCOUNT, "svc" + i, 4, time + 1, false));
        }
        List<CloudTrailEvent> after = new ArrayList<>();
        for (int c = 5; c < 8; c++) {
            after.add(call(TestEvents.ACCOUNT, "mallory", c, K + BUCKET + 10_000L * (c + 5), c == 6));
        }
        for (int c = 8; c < 11; c++) {
            after.add(call(TestEvents.ACCOUNT, "mallory", c, K + 2 * BUCKET + 10_000L * c, false));
        }

        Run uninterrupted = new Run("uninterrupted");
        uninterrupted.feed(before);
        uninterrupted.feed(after);
        Map<String, Alert> expected = uninterrupted.finish();

        Run restarted = new Run("restarted");
        restarted.feed(before);
        restarted.commit();
        long chunked = restarted.journal().stream().filter(e -> e.start() == K).count();
        restarted.restart();
        restarted.feed(after);
        Map<String, Alert> continued = restarted.finish();

        String mallory = entity(TestEvents.ACCOUNT, "mallory");
        assertThat(expected.keySet()).containsExactlyInAnyOrder(alertId(mallory, K), alertId(mallory, K + BUCKET));
        assertThat(expected.get(alertId(mallory, K)).severity()).isEqualTo(Severity.MEDIUM);
        assertThat(expected.get(alertId(mallory, K)).evidence().get("calls")).asInstanceOf(LIST)
                .containsExactlyInAnyOrder(labels(0, 8));
        assertThat(expected.get(alertId(mallory, K + BUCKET)).eventIds()).hasSize(8);
        assertThat(continued).isEqualTo(expected);
        assertThat(chunked).as("the late bucket's changes were written in more than one entry").isGreaterThan(1);
    }

    /**
     * (c) Many small commits, each at one or two bucket starts and for a few principals, with the journal's writers
     * reused from one to the next, one commit with no change at all (it writes nothing), event ids that are not
     * UUIDs among them, and three restarts, each reading entries every earlier counter wrote. After the last, each
     * user's one more call grows both pairs, which have alerted: their updates are made from the buckets as the journal
     * gave them back (an alerted pair keeps its calls, so only a call after a restart shows what the journal lost).
     */
    @Test
    void manySmallCommitsWithReusedWritersAndThreeRestartsLoseNothing() {
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int c = 0; c < 12; c++) {
            for (int u = 0; u < 10; u++) {
                // each user's twelve calls over three buckets, a few seconds apart across users
                int b = c / 4;
                long time = K + b * BUCKET + 20_000L * (c % 4) + 1_000L * u;
                boolean denied = u % 3 == 0 && c % 5 == 0;
                String eventId = (c + u) % 4 == 0 ? "trail-" + u + "-" + c : null;
                events.add(call(TestEvents.ACCOUNT, "user" + u, (c + u) % CALLS.length, time, denied, eventId));
            }
        }
        // each user's first call again, earlier (a new earliest occurrence), and a late denial of its second
        for (int u = 0; u < 10; u++) {
            events.add(call(TestEvents.ACCOUNT, "user" + u, u % CALLS.length, K + 500L * u, false));
            events.add(call(TestEvents.ACCOUNT, "user" + u, (1 + u) % CALLS.length, K + 25_000 + 1_000L * u, true));
        }

        List<CloudTrailEvent> last = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            last.add(call(TestEvents.ACCOUNT, "user" + u, (12 + u) % CALLS.length, K + BUCKET + 200_000, false));
        }

        Run uninterrupted = new Run("uninterrupted");
        uninterrupted.feed(events);
        uninterrupted.feed(last);
        Map<String, Alert> expected = uninterrupted.finish();

        Run restarted = new Run("restarted");
        for (int i = 0; i < events.size(); i += 7) {
            restarted.feed(events.subList(i, Math.min(events.size(), i + 7)));
            restarted.commit();
            if (i == 49) {
                List<JournalEntry> journal = restarted.journal();
                restarted.commit();
                assertThat(restarted.journal()).as("a commit with no change writes nothing")
                        .isEqualTo(journal);
            }
            if (i == 42 || i == 91) {
                restarted.restart();
            }
        }
        restarted.restart();
        restarted.feed(last);
        Map<String, Alert> continued = restarted.finish();

        assertThat(expected).as("both pairs of every user").hasSize(20);
        assertThat(expected.values()).extracting(Alert::eventCount).containsOnly(9L);
        assertThat(expected.values()).flatExtracting(Alert::eventIds).contains("trail-1-3", "trail-2-6");
        assertThat(continued).isEqualTo(expected);
    }

    /**
     * (d) Input that is not CloudTrail's: more than {@link DiscoveryCalls#COMPACT_AT} made-up call names, so the
     * counter starts a new dictionary while the attacker's first calls (two of them denied) wait uncommitted under
     * the old numbers; they are journaled under the new ones, and a restarted counter's alert lists them as made.
     */
    @Test
    void changesPendingWhenTheCallDictionaryIsRebuiltAreJournaledUnderTheirNames() {
        List<CloudTrailEvent> junk = new ArrayList<>();
        CloudTrailEvent template = call(TestEvents.ACCOUNT, "fuzzer", 0, K, false);
        for (int i = 0; i <= DiscoveryCalls.COMPACT_AT; i++) {
            // typed fields only: the counter reads nothing else, and 50,001 parses would be most of this test
            junk.add(new CloudTrailEvent(new UUID(7, i).toString(), K + i, "GetNothing" + i, "junk.example.com",
                    template.eventType(), template.awsRegion(), template.sourceIpAddress(), template.userAgent(),
                    template.recipientAccountId(), null, null, true, template.userIdentity(), template.json()));
        }
        List<CloudTrailEvent> pending = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            pending.add(call(TestEvents.ACCOUNT, "mallory", c, K + 60_000 + 20_000L * c, c % 2 == 0 && c < 4));
        }
        // the first record of the next bucket moves the oldest bucket on: the sweep rebuilds the dictionary first
        List<CloudTrailEvent> nextBucket = List.of(call(TestEvents.ACCOUNT, "mallory", 5, K + BUCKET + 10_000,
                false));
        List<CloudTrailEvent> after = List.of(call(TestEvents.ACCOUNT, "mallory", 6, K + BUCKET + 20_000, true),
                call(TestEvents.ACCOUNT, "mallory", 7, K + BUCKET + 30_000, false));

        Run uninterrupted = new Run("uninterrupted");
        uninterrupted.feed(junk);
        uninterrupted.feed(pending);
        uninterrupted.feed(nextBucket);
        uninterrupted.feed(after);
        Map<String, Alert> expected = uninterrupted.finish();

        Run restarted = new Run("restarted");
        restarted.feed(junk);
        restarted.commit();
        restarted.feed(pending);
        restarted.feed(nextBucket);
        restarted.commit();
        restarted.restart();
        restarted.feed(after);
        Map<String, Alert> continued = restarted.finish();

        Alert alert = expected.get(alertId(entity(TestEvents.ACCOUNT, "mallory"), K));
        assertThat(expected).hasSize(1);
        assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(alert.evidence().get("calls")).asInstanceOf(LIST).containsExactlyInAnyOrder(labels(0, 8));
        assertThat(alert.evidence().get("denied")).asInstanceOf(LIST).containsExactlyInAnyOrder(labels(0, 1)[0],
                labels(2, 3)[0], labels(6, 7)[0]);
        assertThat(continued).isEqualTo(expected);
    }

    /**
     * (e) An exactly-once abort between commits: the changes of the records read since the last commit are dropped
     * ({@link CommitHook#clearCache}); a commit after that writes none of them; the counter revived on the committed
     * stores sees everything committed before and nothing of what was dropped. Here the aborted records do not come
     * back (as if the abort's input had been other records), so any of their calls in an alert is a leak: they are
     * the four calls that would make the pair alert, three of them refused.
     */
    @Test
    void changesDroppedByAnAbortAreNeverJournaledAndARevivedCounterSeesOnlyWhatWasCommitted() {
        List<CloudTrailEvent> committed = calls("mallory", 0, 4, K + 60_000, -1);
        List<CloudTrailEvent> dropped = calls("mallory", 4, 8, K + BUCKET + 10_000, 4);
        List<CloudTrailEvent> after = calls("mallory", 8, 12, K + BUCKET + 120_000, -1);

        Run uninterrupted = new Run("uninterrupted");
        uninterrupted.feed(committed);
        uninterrupted.feed(after);
        Map<String, Alert> expected = uninterrupted.finish();

        Run aborted = new Run("aborted");
        aborted.feed(committed);
        aborted.commit();
        List<JournalEntry> journal = aborted.journal();
        aborted.feed(dropped);
        aborted.drop();
        MockBurstStores.commit(aborted.context, NAME);
        assertThat(aborted.journal()).as("a pre-commit write after the drop writes none of the dropped changes")
                .isEqualTo(journal);
        aborted.revive();
        aborted.feed(after);
        Map<String, Alert> continued = aborted.finish();

        Alert alert = expected.get(alertId(entity(TestEvents.ACCOUNT, "mallory"), K));
        assertThat(expected).hasSize(1);
        assertThat(alert.severity()).isEqualTo(Severity.LOW);
        assertThat(alert.evidence().get("calls")).asInstanceOf(LIST).containsExactlyInAnyOrder(labels(0, 4, 8, 12));
        assertThat(continued).isEqualTo(expected);
    }

    /** (e) The usual abort: the same records are read again after the revive, and count once. */
    @Test
    void aCounterRevivedAfterAnAbortAndFedTheAbortedRecordsAgainRaisesTheUninterruptedAlerts() {
        List<CloudTrailEvent> committed = calls("mallory", 0, 4, K + 60_000, -1);
        List<CloudTrailEvent> replayed = calls("mallory", 4, 8, K + BUCKET + 10_000, 4);
        List<CloudTrailEvent> after = calls("mallory", 8, 12, K + BUCKET + 120_000, -1);

        Run uninterrupted = new Run("uninterrupted");
        uninterrupted.feed(committed);
        uninterrupted.feed(replayed);
        uninterrupted.feed(after);
        Map<String, Alert> expected = uninterrupted.finish();

        Run aborted = new Run("aborted");
        aborted.feed(committed);
        aborted.commit();
        aborted.feed(replayed);
        aborted.drop();
        aborted.revive();
        aborted.feed(replayed);
        aborted.feed(after);
        Map<String, Alert> continued = aborted.finish();

        Alert alert = expected.get(alertId(entity(TestEvents.ACCOUNT, "mallory"), K));
        assertThat(expected).hasSize(1);
        assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(alert.eventIds()).hasSize(12);
        assertThat(continued).isEqualTo(expected);
    }

    /** One counter on its stores, and what it has sent in committed transactions. */
    private final class Run {

        private final MockProcessorContext<String, BurstOutcome> context;
        private final TopologyTestDriver storeDriver;
        private final WindowStore<String, byte[]> calls;
        private DiscoveryCounter counter;
        /** The committed output: the last version of each alert. */
        private final Map<String, Alert> alerts = new TreeMap<>();
        private CommittedStores committedStores;
        private List<JournalEntry> committedJournal = List.of();
        private long committedStreamTime;

        Run(String dir) {
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "discovery-journal-test");
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            context = new MockProcessorContext<>(config, new TaskId(0, 0), stateDir.resolve(dir).toFile());
            context.setCurrentSystemTimeMs(1_000_000);
            context.setCurrentStreamTimeMs(0);
            MockBurstStores.add(context, NAME);
            // the calls store as production builds it (RocksDB), changelog off: Kafka Streams initialises a window
            // store only with its internal processor context, which a mock context is not, so a driver holds it
            Topology holder = new Topology();
            holder.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "unused");
            holder.addProcessor("holder", Holder::new, "in");
            holder.addStateStore(DiscoveryCounter.callsStoreBuilder(NAME, BUCKET, GRACE).withLoggingDisabled(),
                    "holder");
            Properties driverConfig = new Properties();
            driverConfig.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(dir + "-calls").toString());
            storeDriver = new TopologyTestDriver(holder, driverConfig);
            drivers.add(storeDriver);
            calls = storeDriver.getWindowStore(DiscoveryCounter.callsStore(NAME));
            context.addStateStore(calls);
            start();
            committedStores = CommittedStores.at(context, kvStores());
        }

        private void start() {
            TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
            DetectionKit kit = new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics,
                    FlushSignal.never());
            counter = new DiscoveryCounter(NAME, ID, BUCKET, GRACE, 8, 4, DiscoveryJournalTest::wording, kit);
            counter.init(context);
        }

        /** As a stream task feeds its processor: from one input partition, stream time the highest seen. */
        void feed(List<CloudTrailEvent> events) {
            for (CloudTrailEvent event : events) {
                assertThat(DiscoveryBurstDetector.isDiscoveryCall(event)).isTrue();
                Record<String, CloudTrailEvent> record = new Record<>(event.recipientAccountId(), event,
                        event.eventTime());
                record.headers().add(OriginStamp.HEADER, "0".getBytes(StandardCharsets.UTF_8));
                context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), event.eventTime()));
                counter.process(record);
            }
        }

        /** The task commits: the pre-commit write, then its output and its stores are committed. */
        void commit() {
            MockBurstStores.commit(context, NAME);
            for (MockProcessorContext.CapturedForward<? extends String, ? extends BurstOutcome> f
                    : context.forwarded()) {
                if (f.record().value() instanceof BurstOutcome.Fired fired) {
                    alerts.put(fired.alert().alertId(), fired.alert().toBuilder().detectedAt(null).build());
                }
            }
            context.resetForwards();
            committedStores = CommittedStores.at(context, kvStores());
            committedJournal = journal();
            committedStreamTime = context.currentStreamTimeMs();
        }

        /** A new counter on the stores as the last commit left them (the test restarts right after a commit). */
        void restart() {
            counter.close();
            start();
        }

        /** Kafka Streams drops the task's work since its last commit (dirty close): output aborted, buffer cleared. */
        void drop() {
            context.resetForwards();
            CommitHook hook = context.getStateStore(BurstStores.named(NAME).commit());
            hook.clearCache();
        }

        /** ... and revives it: stores back to the commit, {@code init} again on the same counter. */
        void revive() {
            committedStores.restore(context);
            try (KeyValueIterator<Windowed<String>, byte[]> all = calls.all()) {
                all.forEachRemaining(e -> calls.put(e.key.key(), null, e.key.window().start()));
            }
            committedJournal.forEach(e -> calls.put(e.key(), e.bytes(), e.start()));
            counter.close();
            context.setCurrentStreamTimeMs(committedStreamTime);
            counter.init(context);
        }

        /** The journal as the calls store holds it: key, bucket start, bytes. */
        List<JournalEntry> journal() {
            List<JournalEntry> entries = new ArrayList<>();
            try (KeyValueIterator<Windowed<String>, byte[]> all = calls.all()) {
                all.forEachRemaining(e -> entries.add(new JournalEntry(e.key.key(), e.key.window().start(),
                        e.value)));
            }
            return entries;
        }

        /** The alerts committed so far. */
        Map<String, Alert> alerts() {
            return Map.copyOf(alerts);
        }

        /** Event time goes on by hours (a routine read): every pair closes and has its last word; all committed. */
        Map<String, Alert> finish() {
            feed(List.of(call(TestEvents.ACCOUNT, "bystander", 0, K + Duration.ofHours(3).toMillis(), false)));
            commit();
            counter.close();
            return alerts();
        }
    }

    /** The processor of the driver that holds a calls store: it never gets a record. */
    private static final class Holder implements Processor<Object, Object, Object, Object> {
        @Override
        public void process(Record<Object, Object> record) {
            // nothing is sent to the driver
        }
    }

    private static List<String> kvStores() {
        BurstStores names = BurstStores.named(NAME);
        return List.of(names.state(), names.expiry());
    }

    /** A journal entry as stored; compared by content. */
    record JournalEntry(String key, long start, byte[] bytes) {

        @Override
        public boolean equals(Object o) {
            return o instanceof JournalEntry e && key.equals(e.key) && start == e.start
                    && Arrays.equals(bytes, e.bytes);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + Arrays.hashCode(bytes);
        }
    }

    /** discovery-burst's thresholds and severity: 8 calls across 4 services; MEDIUM when 3 were refused. */
    private static Optional<Alerts.Finding> wording(CallPair pair) {
        if (pair.calls().size() < 8 || pair.services() < 4) {
            return Optional.empty();
        }
        Severity severity = pair.denied().size() >= 3 ? Severity.MEDIUM : Severity.LOW;
        return Optional.of(new Alerts.Finding(ID, "Discovery burst by " + pair.principal(),
                pair.principal() + " called " + pair.calls().size() + " distinct APIs", severity, List.of(),
                "runbook", Map.of("calls", pair.calls(), "denied", pair.denied(), "services", pair.services())));
    }

    /** Calls {@code from} to {@code to} (exclusive) by one user, 20 s apart; those from {@code deniedFrom} refused. */
    private List<CloudTrailEvent> calls(String user, int from, int to, long time, int deniedFrom) {
        List<CloudTrailEvent> out = new ArrayList<>();
        for (int c = from; c < to; c++) {
            out.add(call(TestEvents.ACCOUNT, user, c, time + 20_000L * (c - from),
                    deniedFrom >= 0 && c >= deniedFrom && c < deniedFrom + 3));
        }
        return out;
    }

    private CloudTrailEvent call(String account, String user, int api, long time, boolean denied) {
        return call(account, user, api, time, denied, null);
    }

    /** A read by a user (its ARN in this test's account) in {@code account}; a UUID event id unless one is given. */
    private CloudTrailEvent call(String account, String user, int api, long time, boolean denied, String eventId) {
        TestEvents e = TestEvents.event(CALLS[api][0], CALLS[api][1], Instant.ofEpochMilli(time)).user(user)
                .set("recipientAccountId", account).set("userAgent", CLI)
                .eventId(eventId != null ? eventId : new UUID(0x5eed, ids++).toString());
        if (denied) {
            e.error("AccessDenied", "User: " + BurstEvents.arn(user) + " is not authorized to perform: "
                    + CALLS[api][1]);
        }
        return ((ParseResult.Parsed) PARSER.parse(e.bytes())).event();
    }

    /** The labels ({@code source:name}) of calls {@code from} to {@code to}, and more ranges after. */
    private static String[] labels(int... ranges) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < ranges.length; r += 2) {
            for (int c = ranges[r]; c < ranges[r + 1]; c++) {
                out.add(CALLS[c][0] + ':' + CALLS[c][1]);
            }
        }
        return out.toArray(String[]::new);
    }

    private static String entity(String account, String user) {
        return DiscoveryCounter.entity(account, BurstEvents.arn(user));
    }

    private static String alertId(String entity, long start) {
        return AlertIds.of(ID, entity, start);
    }
}
