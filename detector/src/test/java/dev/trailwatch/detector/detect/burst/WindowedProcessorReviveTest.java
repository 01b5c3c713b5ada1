package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.ATTACKER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.BYSTANDER;
import static dev.trailwatch.detector.detect.burst.BurstEvents.T0;
import static dev.trailwatch.detector.detect.burst.BurstEvents.failedLogin;
import static dev.trailwatch.detector.detect.burst.BurstEvents.successfulLogin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.CommittedStores;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.detect.Alerts;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * What an exactly-once abort does to a stream task, and what the windowed processors must survive: Kafka Streams
 * closes the task dirty (its output since the last commit is aborted, its stores wiped and restored from the committed
 * changelog) and revives it, calling {@code init} again on the SAME processor objects, which then read the records
 * after the last commit once more. Under CPU load this happens in live runs (a commit or a send timing out). Whatever
 * a processor keeps in fields besides its stores must not carry the aborted records' progress into the replay: the
 * event time per input partition did, so the replayed attack was judged late against the records read (and rolled
 * back) after it, and console-bruteforce-success lost its CRITICAL alert in OrderInvarianceIT under load.
 */
class WindowedProcessorReviveTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final String ORIGIN = "0";
    private static final String BRUTEFORCE = ConsoleBruteforceSuccessDetector.ID;
    private static final String FAILED_BURST = "failed-console-login-burst";
    /** The burst counter's processor (and store) name: rule id and key space. */
    private static final String FAILED_BURST_BY_IP = FAILED_BURST + "-by-ip";

    /** Committed before the attack. */
    private static final List<TestEvents> BEFORE = List.of(failedLogin(BYSTANDER, "carol", T0.minusSeconds(600)));

    /** Read after the last commit: the attack, then records hours later on the same partition. */
    private static final List<TestEvents> AFTER_COMMIT = afterCommit();

    private static List<TestEvents> afterCommit() {
        List<TestEvents> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(failedLogin(ATTACKER, "alice", T0.plusSeconds(10L * i)));
        }
        records.add(successfulLogin(ATTACKER, "alice", T0.plusSeconds(120)));
        records.add(failedLogin(BYSTANDER, "carol", T0.plus(Duration.ofHours(2))));
        records.add(successfulLogin(BYSTANDER, "carol", T0.plus(Duration.ofHours(2)).plusSeconds(5)));
        return records;
    }

    /** Hours later: every window has closed. */
    private static final List<TestEvents> AFTER = List.of(failedLogin(BYSTANDER, "carol", T0.plus(Duration.ofHours(6))));

    @Test
    void bruteforceSuccessRevivedAfterAnAbortRaisesTheAlertsOfAnUninterruptedRun() {
        Function<MockProcessorContext<String, BurstOutcome>, WindowedProcessor<?>> correlator = context ->
                correlator(context);
        Outcome uninterrupted = run(correlator, false);
        assertThat(uninterrupted.alerts().values()).extracting(Alert::ruleId).containsExactly(BRUTEFORCE);
        assertThat(uninterrupted.late()).isZero();

        Outcome revived = run(correlator, true);
        assertThat(revived.late()).as("records replayed after the abort judged late").isZero();
        assertThat(revived.alerts()).isEqualTo(uninterrupted.alerts());
    }

    @Test
    void aFailedLoginBurstRevivedAfterAnAbortRaisesTheAlertsOfAnUninterruptedRun() {
        Function<MockProcessorContext<String, BurstOutcome>, WindowedProcessor<?>> counter = context ->
                counter(context);
        Outcome uninterrupted = run(counter, false);
        assertThat(uninterrupted.alerts().values()).extracting(Alert::ruleId).containsExactly(FAILED_BURST);

        Outcome revived = run(counter, true);
        assertThat(revived.late()).as("records replayed after the abort judged late").isZero();
        assertThat(revived.alerts()).isEqualTo(uninterrupted.alerts());
    }

    /**
     * The correlation across input partitions (OrderInvarianceIT's lost root login, alert 4cece229): the root login
     * comes from one account's partition, the failures and the other login from another's, interleaved by the
     * repartition. The failures' partition had already sent an earlier login, so its event time held the watermark
     * below the root login's keep-until while its failures were still on their way behind the other partition's
     * later records. A revive re-initialises the processor with its stores at the commit: that partition's event
     * time must come back with them, or the replayed later record of the other partition closes the root login out
     * before the failures arrive (a task moving to another thread or instance is the same: new objects, the committed
     * stores).
     */
    @Test
    void aRevivedCorrelatorStillWaitsForAnInputPartitionItHeardFromBeforeTheCommit() {
        String failuresOrigin = "1";
        String rootOrigin = "3";
        List<Fed> beforeCommit = List.of(
                new Fed(failuresOrigin, successfulLogin(BYSTANDER, "bob", T0.minus(Duration.ofHours(6)))),
                new Fed(rootOrigin, successfulRootLogin(ATTACKER, T0.plus(Duration.ofMinutes(58)))));
        List<Fed> afterCommit = new ArrayList<>();
        afterCommit.add(new Fed(rootOrigin, successfulLogin(BYSTANDER, "gina", T0.plus(Duration.ofHours(18)))));
        for (int i = 0; i < 10; i++) {
            afterCommit.add(new Fed(failuresOrigin, failedLogin(ATTACKER, "alice", T0.plusSeconds(10L * i))));
        }
        afterCommit.add(new Fed(failuresOrigin, successfulLogin(ATTACKER, "bob", T0.plusSeconds(120))));

        Outcome uninterrupted = run(WindowedProcessorReviveTest::correlator, beforeCommit, afterCommit, List.of(),
                false);
        assertThat(uninterrupted.alerts().values()).extracting(Alert::principal).as("bob's and the root login")
                .containsExactlyInAnyOrder(BurstEvents.arn("bob"), "arn:aws:iam::" + BurstEvents.ACCOUNT + ":root");
        assertThat(uninterrupted.late()).isZero();

        Outcome revived = run(WindowedProcessorReviveTest::correlator, beforeCommit, afterCommit, List.of(), true);
        assertThat(revived.late()).as("records replayed after the abort judged late").isZero();
        assertThat(revived.alerts()).isEqualTo(uninterrupted.alerts());
    }

    /** A successful root sign-in (the sample's attacker getting into another account). */
    private static TestEvents successfulRootLogin(String ip, Instant time) {
        TestEvents event = successfulLogin(ip, "root", time);
        event.json().putObject("userIdentity").put("type", "Root").put("principalId", BurstEvents.ACCOUNT)
                .put("arn", "arn:aws:iam::" + BurstEvents.ACCOUNT + ":root").put("accountId", BurstEvents.ACCOUNT);
        return event;
    }

    /** Kafka Streams keeps a task's punctuators through close and revive; init must not add a second set. */
    @Test
    void aRevivedProcessorRunsOneSetOfPunctuators() {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        WindowedProcessor<?> processor = counter(context);
        long once = scheduled(context);
        processor.close();
        processor.init(context);
        assertThat(scheduled(context)).isPositive().isEqualTo(once);
    }

    private static long scheduled(MockProcessorContext<String, BurstOutcome> context) {
        return context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).count();
    }

    record Outcome(Map<String, Alert> alerts, long late) {
    }

    /** One record as the repartition delivers it: the event and the input partition it was read from. */
    record Fed(String origin, TestEvents event) {
    }

    private static List<Fed> fromOrigin(List<TestEvents> events) {
        return events.stream().map(event -> new Fed(ORIGIN, event)).toList();
    }

    /** {@link #run(Function, List, List, List, boolean)} with every record from one input partition. */
    private static Outcome run(Function<MockProcessorContext<String, BurstOutcome>, WindowedProcessor<?>> build,
                               boolean abort) {
        return run(build, fromOrigin(BEFORE), fromOrigin(AFTER_COMMIT), fromOrigin(AFTER), abort);
    }

    /**
     * Feeds {@code before}, commits, feeds the records after the commit; with {@code abort}, then aborts as Kafka
     * Streams does (output since the commit dropped, stores back to the commit, {@code init} again on the same object)
     * and feeds them again; then {@code after}. The committed output: the last version of each alert, and how many
     * were late.
     */
    private static Outcome run(Function<MockProcessorContext<String, BurstOutcome>, WindowedProcessor<?>> build,
                               List<Fed> before, List<Fed> afterCommit, List<Fed> after, boolean abort) {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        context.setCurrentStreamTimeMs(0);
        WindowedProcessor<?> processor = build.apply(context);
        List<BurstOutcome> committed = new ArrayList<>();

        before.forEach(fed -> feed(context, processor, fed));
        List.of(BRUTEFORCE, FAILED_BURST_BY_IP).forEach(name -> MockBurstStores.commit(context, name));
        CommittedStores committedStores = CommittedStores.at(context, STORES);
        long committedStreamTime = context.currentStreamTimeMs();
        commit(context, committed);

        afterCommit.forEach(fed -> feed(context, processor, fed));
        if (abort) {
            // the task is closed dirty (its topology closed) and revived
            context.resetForwards();
            committedStores.restore(context);
            processor.close();
            context.setCurrentStreamTimeMs(committedStreamTime);
            processor.init(context);
            afterCommit.forEach(fed -> feed(context, processor, fed));
        }
        after.forEach(fed -> feed(context, processor, fed));
        commit(context, committed);

        Map<String, Alert> alerts = new TreeMap<>();
        long late = 0;
        for (BurstOutcome outcome : committed) {
            if (outcome instanceof BurstOutcome.Fired fired) {
                alerts.put(fired.alert().alertId(), fired.alert().toBuilder().detectedAt(null).build());
            } else if (outcome instanceof BurstOutcome.Late) {
                late++;
            }
        }
        return new Outcome(alerts, late);
    }

    private static void commit(MockProcessorContext<String, BurstOutcome> context, List<BurstOutcome> committed) {
        context.forwarded().forEach(f -> committed.add(f.record().value()));
        context.resetForwards();
    }

    /** As a stream task does: its stream time is the highest timestamp over all it has read. */
    private static void feed(MockProcessorContext<String, BurstOutcome> context, WindowedProcessor<?> processor,
                             Fed fed) {
        CloudTrailEvent parsed = ((ParseResult.Parsed) PARSER.parse(fed.event().bytes())).event();
        Record<String, CloudTrailEvent> record = new Record<>(parsed.sourceIpAddress(), parsed, parsed.eventTime());
        record.headers().add(OriginStamp.HEADER, fed.origin().getBytes(StandardCharsets.UTF_8));
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), record.timestamp()));
        processor.process(record);
    }

    private static final List<String> STORES = List.of(BurstStores.named(BRUTEFORCE).state(),
            BurstStores.named(BRUTEFORCE).expiry(), BurstStores.named(FAILED_BURST_BY_IP).state(),
            BurstStores.named(FAILED_BURST_BY_IP).expiry());

    private static DetectionKit kit() {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        return new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never());
    }

    private static BruteforceCorrelator correlator(MockProcessorContext<String, BurstOutcome> context) {
        MockBurstStores.add(context, BRUTEFORCE);
        CorrelationLimits limits = new CorrelationLimits(10, Duration.ofMinutes(5).toMillis(),
                Duration.ofHours(1).toMillis(), Duration.ofMinutes(15).toMillis());
        BruteforceCorrelator correlator = new BruteforceCorrelator(BRUTEFORCE, limits,
                (ip, burst, login, count) -> new Alerts.Finding(BRUTEFORCE, "login after burst from " + ip,
                        login.identity() + " after " + burst.count() + " failures", Severity.CRITICAL, List.of(),
                        "runbook", Map.of("logins", count)), kit());
        correlator.init(context);
        return correlator;
    }

    private static BurstCounter counter(MockProcessorContext<String, BurstOutcome> context) {
        BurstSpec spec = new BurstSpec(FAILED_BURST, "by-ip", Duration.ofMinutes(5), Duration.ofMinutes(15), 10, 1,
                CloudTrailEvent::sourceIpAddress, ConsoleLogins::target,
                tally -> new Alerts.Finding(FAILED_BURST, "burst", "burst from " + tally.entity(), Severity.HIGH,
                        List.of(), "runbook", Map.of("count", tally.count())));
        MockBurstStores.add(context, spec.name());
        BurstCounter counter = new BurstCounter(spec, kit());
        counter.init(context);
        return counter;
    }
}
