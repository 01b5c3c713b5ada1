package dev.trailwatch.detector;

import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.Detector;
import dev.trailwatch.detector.detect.DetectorContext;
import dev.trailwatch.detector.detect.FlushSignal;
import dev.trailwatch.detector.detect.WatchListDetector;
import dev.trailwatch.detector.detect.baseline.AccountNames;
import dev.trailwatch.detector.detect.baseline.BaselineDetectors;
import dev.trailwatch.detector.detect.burst.BurstDetectors;
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
 * the unreadable ones to the dead-letter topic, fan the events out to every detector, merge their alerts, name their
 * accounts, key them by alert id and write them to the alerts topic; events a detector gave up on (late) go to the
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
        KStream<String, Alert> alerts = null;
        for (Detector detector : detectors(context)) {
            KStream<String, Alert> found = detector.detect(events);
            alerts = alerts == null ? found : alerts.merge(found, Named.as("merge-" + detector.id()));
        }
        alerts.processValues(AccountNames.supplier(config), Named.as("name-accounts"))
                .selectKey((account, alert) -> alert.alertId(), Named.as("key-by-alert-id"))
                .processValues(() -> new AlertSinkMetrics(metrics), Named.as("measure-alerts"))
                .to(topics.alerts().name(), topics.alerts().produced("write-alerts"));

        for (DetectorContext.DeadLetterRoute route : context.deadLetterRoutes()) {
            route.events()
                    .processValues(() -> new EventDeadLetterProcessor(route.name(), route.reason()),
                            Named.as(route.name()))
                    .to(topics.deadLetters().name(), topics.deadLetters().produced(route.name() + "-write"));
        }
        return builder.build();
    }

    /** Every detection, in the order their alerts are merged. */
    private static List<Detector> detectors(DetectorContext context) {
        List<Detector> all = new ArrayList<>();
        all.add(new WatchListDetector(context));
        all.addAll(BurstDetectors.create(context));
        all.addAll(BaselineDetectors.create(context));
        return all;
    }
}
