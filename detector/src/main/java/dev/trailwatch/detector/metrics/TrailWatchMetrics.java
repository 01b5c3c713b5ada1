package dev.trailwatch.detector.metrics;

import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.deadletter.RejectionCounter;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.Severity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TrailWatch's own meters. Prometheus names: {@code trailwatch_events_read_total{account,source}},
 * {@code trailwatch_events_rejected_total{reason}}, {@code trailwatch_alerts_total{rule,severity}},
 * {@code trailwatch_alerts_folded_total{rule}}, {@code trailwatch_alerts_excepted_total{rule,exception}},
 * {@code trailwatch_alerts_disabled_total{rule}}, {@code trailwatch_rule_disabled{rule}} (1 while an override
 * disables the rule, in some or all accounts), {@code trailwatch_detection_latency_seconds{stage}} (histogram;
 * stage {@code event_time} or {@code ingest}), {@code trailwatch_account_last_event_timestamp_seconds{account,region}},
 * {@code trailwatch_produce_failures_total{topic}}, {@code trailwatch_stream_thread_replacements_total}.
 *
 * <p>Counters are cached per tag combination: these calls sit on the per-event hot path, and a registry lookup per
 * event costs more than the increment.
 */
public final class TrailWatchMetrics implements RejectionCounter {

    private final MeterRegistry registry;
    /** account -> its read counters and last event times: one lookup per event for the account (see {@link Reads}). */
    private final Map<String, Reads> read = new ConcurrentHashMap<>();
    private final Map<RejectReason, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> alerts = new ConcurrentHashMap<>();
    private final Map<String, Counter> folded = new ConcurrentHashMap<>();
    private final Map<String, Counter> excepted = new ConcurrentHashMap<>();
    private final Map<String, Counter> disabled = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ruleDisabled = new ConcurrentHashMap<>();
    private final Map<String, Counter> produceFailures = new ConcurrentHashMap<>();
    private final Timer eventTimeLatency;
    private final Timer ingestLatency;
    private final Counter threadReplacements;

    public TrailWatchMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RejectReason reason : RejectReason.values()) {
            rejectedCounter(reason);
        }
        eventTimeLatency = latency("event_time", "eventTime of the last covered event -> alert emitted");
        ingestLatency = latency("ingest", "record produced to the events topic -> alert emitted");
        threadReplacements = Counter.builder("trailwatch.stream.thread.replacements")
                .description("Stream threads that failed and were replaced").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void eventRead(String account, String region, String source, long eventTime) {
        String acct = account == null ? "unknown" : account;
        Reads reads = read.get(acct);
        if (reads == null) {
            reads = read.computeIfAbsent(acct, a -> new Reads(a, registry));
        }
        reads.counter(source == null ? "unknown" : source).increment();
        AtomicLong last = reads.lastEventTime(region == null ? "unknown" : region);
        if (last.get() < eventTime) {
            last.accumulateAndGet(eventTime, Math::max);
        }
    }

    /** Observes how long after its events an alert went out: from eventTime, and from when it was produced. */
    public void alertLatency(long lastEventTime, long ingestedAt, long now) {
        eventTimeLatency.record(Math.max(0, now - lastEventTime), TimeUnit.MILLISECONDS);
        if (ingestedAt > 0) {
            ingestLatency.record(Math.max(0, now - ingestedAt), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void eventRejected(RejectReason reason) {
        rejectedCounter(reason).increment();
    }

    public void alertEmitted(String ruleId, Severity severity) {
        alerts.computeIfAbsent(ruleId + '\u0000' + severity, k -> Counter.builder("trailwatch.alerts")
                .description("Alerts emitted (INFO alerts are counted here but not written to the alerts topic)")
                .tag("rule", ruleId).tag("severity", severity.name()).register(registry)).increment();
    }

    public void alertFolded(String ruleId) {
        folded.computeIfAbsent(ruleId, k -> Counter.builder("trailwatch.alerts.folded")
                .description("Matches folded into an earlier alert by suppression instead of alerting again")
                .tag("rule", ruleId).register(registry)).increment();
    }

    /** An exception kept an alert from the alerts topic. */
    public void alertExcepted(String ruleId, String exceptionId) {
        excepted.computeIfAbsent(ruleId + '\u0000' + exceptionId, k -> Counter.builder("trailwatch.alerts.excepted")
                .description("Alerts an exception kept from the alerts topic, by rule and exception id")
                .tag("rule", ruleId).tag("exception", exceptionId).register(registry)).increment();
    }

    /** An override disabled the alert's rule (for its account): the alert was not written. */
    public void alertDisabled(String ruleId) {
        disabled.computeIfAbsent(ruleId, k -> Counter.builder("trailwatch.alerts.disabled")
                .description("Alerts not written because an override disables their rule (for their account)")
                .tag("rule", ruleId).register(registry)).increment();
    }

    /**
     * The rules overrides now disable (in some or all accounts): 1 for each, 0 for one disabled before and no longer.
     * Called at start and whenever the tuning in force changes.
     */
    public void rulesDisabled(java.util.Set<String> ruleIds) {
        ruleDisabled.forEach((rule, value) -> value.set(ruleIds.contains(rule) ? 1 : 0));
        for (String rule : ruleIds) {
            ruleDisabled.computeIfAbsent(rule, r -> {
                AtomicLong value = new AtomicLong(1);
                Gauge.builder("trailwatch.rule.disabled", value, AtomicLong::get)
                        .description("1 while an override disables the rule (in some or all accounts)")
                        .tag("rule", r).register(registry);
                return value;
            });
        }
    }

    /** Alerts excepted so far, over all rules and exceptions. */
    public long alertsExcepted() {
        return (long) excepted.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Alerts of disabled rules so far. */
    public long alertsDisabled() {
        return (long) disabled.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Kafka refused a record the detector wrote (too large, a timestamp out of range, ...). */
    public void produceFailed(String topic) {
        produceFailures.computeIfAbsent(topic, t -> Counter.builder("trailwatch.produce.failures")
                .description("Records Kafka refused to store, by the topic they were written to").tag("topic", t)
                .register(registry)).increment();
    }

    public void streamThreadReplaced() {
        threadReplacements.increment();
    }

    /** Stream threads that failed and were replaced since start. */
    public long streamThreadReplacements() {
        return (long) threadReplacements.count();
    }

    /** Records parsed into events so far, over all accounts and sources. */
    public long eventsRead() {
        return (long) read.values().stream().flatMap(reads -> reads.bySource.values().stream())
                .mapToDouble(Counter::count).sum();
    }

    /** Records sent to the dead-letter topic so far, for any reason. */
    public long eventsRejected() {
        return (long) rejected.values().stream().mapToDouble(Counter::count).sum();
    }

    private Timer latency(String stage, String description) {
        return Timer.builder("trailwatch.detection.latency").description("Detection latency: " + description)
                .tag("stage", stage).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
    }

    /** Dead letters so far by reason tag, only the reasons that occurred, e.g. {@code {late=3, parse=1}}. */
    public Map<String, Long> eventsRejectedByReason() {
        Map<String, Long> byReason = new TreeMap<>();
        rejected.forEach((reason, counter) -> {
            if (counter.count() > 0) {
                byReason.put(reason.tag(), (long) counter.count());
            }
        });
        return byReason;
    }

    private Counter rejectedCounter(RejectReason reason) {
        return rejected.computeIfAbsent(reason, r -> Counter.builder("trailwatch.events.rejected")
                .description("Records sent to the dead-letter topic, by reason")
                .tag("reason", r.tag()).register(registry));
    }

    /**
     * One account's read meters: its counter by source and its last event time by region. An event costs the account
     * lookup plus one comparison for the source (a partition's records mostly share one, and the parse node hands the
     * same String object on while they do) and one lookup of its region in the account's own small map, where four
     * lookups in shared maps were.
     */
    private static final class Reads {

        private final String account;
        private final MeterRegistry registry;
        private final Map<String, Counter> bySource = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> lastByRegion = new ConcurrentHashMap<>();
        /** The source counter used last (immutable, so a stream thread reading another's is safe). */
        private volatile SourceCounter lastSource;

        Reads(String account, MeterRegistry registry) {
            this.account = account;
            this.registry = registry;
        }

        Counter counter(String source) {
            SourceCounter last = lastSource;
            if (last != null && (last.source() == source || last.source().equals(source))) {
                return last.counter();
            }
            Counter counter = bySource.computeIfAbsent(source, s -> Counter.builder("trailwatch.events.read")
                    .description("CloudTrail records read from the input topic")
                    .tag("account", account).tag("source", s).register(registry));
            lastSource = new SourceCounter(source, counter);
            return counter;
        }

        AtomicLong lastEventTime(String region) {
            AtomicLong known = lastByRegion.get(region);
            if (known != null) {
                return known;
            }
            return lastByRegion.computeIfAbsent(region, r -> {
                AtomicLong millis = new AtomicLong();
                Gauge.builder("trailwatch.account.last.event.timestamp", millis, m -> m.get() / 1000.0)
                        .description("Event time of the last event seen for the account and region (epoch seconds)")
                        .baseUnit("seconds").tag("account", account).tag("region", r).register(registry);
                return millis;
            });
        }
    }

    private record SourceCounter(String source, Counter counter) {
    }
}
