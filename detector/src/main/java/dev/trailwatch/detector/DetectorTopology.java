package dev.trailwatch.detector;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.Detector;
import dev.trailwatch.detector.detect.DetectorContext;
import dev.trailwatch.detector.detect.FlushSignal;
import dev.trailwatch.detector.detect.WatchListDetector;
import dev.trailwatch.detector.detect.baseline.AccountNames;
import dev.trailwatch.detector.detect.baseline.BaselineDetectors;
import dev.trailwatch.detector.detect.burst.BurstDetectors;
import dev.trailwatch.detector.detect.silence.TrailSilentDetector;
import dev.trailwatch.detector.metrics.AlertSinkMetrics;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.DeadLetterProcessor;
import dev.trailwatch.detector.parse.EventDeadLetterProcessor;
import dev.trailwatch.detector.parse.ParseProcessor;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.rules.RulePack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The only place the stream graph is wired. It reads like the data flow: read raw records, parse each once, send
 * the unreadable ones to the dead-letter topic, fan the events out to every detector, and write each detector's
 * alerts (account named, keyed by alert id) to the alerts topic; events a detector gave up on (late) go to the
 * dead-letter topic too.
 */
public final class DetectorTopology {

    private DetectorTopology() {
    }

    public static Topology build(DetectorConfig config, RulePack rules, TrailWatchMetrics metrics) {
        return build(config, rules, metrics, FlushSignal.never());
    }

    public static Topology build(DetectorConfig config, RulePack rules, TrailWatchMetrics metrics,
                                 FlushSignal flush) {
        Topics topics = Topics.from(config);
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, ParseResult> parsed = builder
                .stream(topics.events().name(), topics.events().consumed("read-events"))
                .processValues(() -> new ParseProcessor(new CloudTrailParser(), metrics), Named.as("parse"));
        Map<String, KStream<String, ParseResult>> outcome = parsed.split(Named.as("parse-"))
                .branch((account, result) -> result instanceof ParseResult.Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("parsed"));

        outcome.get("parse-rejected")
                .processValues(DeadLetterProcessor::new, Named.as("dead-letter"))
                .to(topics.deadLetters().name(), topics.deadLetters().produced("write-dead-letters"));

        KStream<String, CloudTrailEvent> events = outcome.get("parse-parsed")
                .mapValues(result -> ((ParseResult.Parsed) result).event(), Named.as("events"));

        DetectorContext context = new DetectorContext(builder, config, rules, metrics, flush);
        for (Detector detector : detectors(context)) {
            writeAlerts(detector.id(), detector.detect(events), topics, config, metrics, detector.measuresLatency());
        }
        context.extraAlerts().forEach((name, alerts) -> writeAlerts(name, alerts, topics, config, metrics, true));

        for (DetectorContext.DeadLetterRoute route : context.deadLetterRoutes()) {
            route.events()
                    .processValues(() -> new EventDeadLetterProcessor(route.name(), route.reason()),
                            Named.as(route.name()))
                    .to(topics.deadLetters().name(), topics.deadLetters().produced(route.name() + "-write"));
        }
        return builder.build();
    }

    /**
     * Names the account, keys by alert id and writes one detector's alerts. Each detector gets its own sink rather
     * than one merge of all alerts: a merge would join a repartitioned detector's sub-topology to the input topic's,
     * and that task's stream time (the maximum over its partitions) would run ahead on the input partition while
     * repartitioned events waited for the next commit, turning them "late". The alerts topic's serde writes the
     * configured {@code alerts.format}; {@code topic.alerts.ocsf}, when set, gets the same alerts as OCSF findings.
     */
    private static void writeAlerts(String id, KStream<String, Alert> alerts, Topics topics, DetectorConfig config,
                                    TrailWatchMetrics metrics, boolean measureLatency) {
        KStream<String, Alert> named = alerts
                .processValues(AccountNames.supplier(config), Named.as(id + "-name-accounts"))
                .selectKey((account, alert) -> alert.alertId(), Named.as(id + "-key-by-alert-id"))
                .processValues(() -> new AlertSinkMetrics(metrics, measureLatency), Named.as(id + "-measure-alerts"));
        named.to(topics.alerts().name(), topics.alerts().produced(id + "-write-alerts"));
        topics.ocsfAlerts().ifPresent(ocsf -> named.to(ocsf.name(), ocsf.produced(id + "-write-ocsf-alerts")));
    }

    /** Every detection. */
    private static List<Detector> detectors(DetectorContext context) {
        List<Detector> all = new ArrayList<>();
        all.add(new WatchListDetector(context));
        all.addAll(BurstDetectors.create(context));
        all.addAll(BaselineDetectors.create(context));
        all.add(new TrailSilentDetector(context));
        return all;
    }
}
