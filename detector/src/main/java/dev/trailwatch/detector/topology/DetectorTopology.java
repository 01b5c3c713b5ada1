package dev.trailwatch.detector.topology;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.AccountInfoSerde;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.catalog.CatalogUpdater;
import dev.trailwatch.detector.catalog.DocumentCatalog;
import dev.trailwatch.detector.catalog.FileReload;
import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Settings;
import dev.trailwatch.detector.config.TuningSettings;
import dev.trailwatch.detector.deadletter.DeadLetterProcessor;
import dev.trailwatch.detector.deadletter.EventDeadLetterProcessor;
import dev.trailwatch.detector.detect.DetectionFamily;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.baseline.BaselineFamily;
import dev.trailwatch.detector.detect.burst.BurstFamily;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputProgress;
import dev.trailwatch.detector.detect.kit.InputProgressProcessor;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.ProgressUpdater;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.detect.location.LoginLocationFamily;
import dev.trailwatch.detector.detect.silence.TrailSilentDetector;
import dev.trailwatch.detector.detect.watchlist.WatchListDetector;
import dev.trailwatch.detector.enrich.AlertEnricher;
import dev.trailwatch.detector.geoip.GeoIp;
import dev.trailwatch.detector.metrics.AlertSinkMetrics;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseProcessor;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.rules.LiveRules;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RuleDirectory;
import dev.trailwatch.detector.rules.RulePack;
import dev.trailwatch.detector.rules.TopicRules;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.tuning.LiveTuning;
import dev.trailwatch.detector.tuning.TuningDirectory;
import dev.trailwatch.detector.tuning.TuningSet;
import dev.trailwatch.detector.tuning.TuningStep;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The only place the stream graph is wired. It reads like the data flow: read raw records, parse each once, send
 * the unreadable ones to the dead-letter topic, hand the events to every detection family, and write what each family
 * returns: its alert streams (account named, tuned, keyed by alert id) to the alerts topic, the events it gave up on
 * (late) to the dead-letter topic, the accounts it learned to the accounts topic.
 */
public final class DetectorTopology {

    /** The global store of the rules topic: the accepted text of each topic rule. */
    public static final String RULES_STORE = "watchlist-topic-rules";
    public static final String EXCEPTIONS_STORE = "tuning-topic-exceptions";

    private DetectorTopology() {
    }

    public static Topology build(DetectorConfig config, RulePack rules, TrailWatchMetrics metrics) {
        return build(config, rules, metrics, FlushSignal.never());
    }

    public static Topology build(DetectorConfig config, RulePack rules, TrailWatchMetrics metrics,
                                 FlushSignal flush) {
        return build(config, rules, metrics, flush, TuningSet::empty);
    }

    /** The topology of a single instance reading its input alone, with tuning. */
    public static Topology build(DetectorConfig config, RulePack rules, TrailWatchMetrics metrics,
                                 FlushSignal flush, Supplier<TuningSet> tuning) {
        return build(config, rules, metrics, flush, tuning,
                InputWatermark.singlePartition(config.get(Settings.REORDER_HORIZON)));
    }

    /**
     * @param tuning    the exceptions and overrides in force, read for every alert (a newer set applies from the next
     *                  alert on); the thresholds and windows its overrides set are read once, here
     * @param watermark the input watermark, shared with the instance's progress monitor
     */
    public static Topology build(DetectorConfig configured, RulePack rules, TrailWatchMetrics metrics,
                                 FlushSignal flush, Supplier<TuningSet> tuning, InputWatermark watermark) {
        return build(configured, rules, metrics, flush, tuning, watermark, FileReload.off());
    }

    /**
     * @param reload re-reads {@code rules.dir} and {@code tuning.dir} while the detector runs: the topology registers
     *               its folders, the caller starts and closes it ({@link FileReload#off()}: the files of the start)
     */
    public static Topology build(DetectorConfig configured, RulePack rules, TrailWatchMetrics metrics,
                                 FlushSignal flush, Supplier<TuningSet> tuning, InputWatermark watermark,
                                 FileReload reload) {
        DetectorConfig config = tuning.get().applyTo(configured);
        Topics topics = Topics.from(config);
        StreamsBuilder builder = ChangelogFreeStores.streamsBuilder(config); // scan's switch; live: plain builder

        // Two nodes for every record: parse, then route (the event to the detections that want it, a record that
        // cannot be read to the dead-letter step).
        EventRouter events = EventRouter.over(builder
                .stream(topics.events().name(), topics.events().consumed("read-events"))
                .process(() -> new ParseProcessor(new CloudTrailParser(), metrics), Named.as("parse")));
        events.rejected("dead-letter",
                        () -> new DeadLetterProcessor<ParseResult>(result -> (ParseResult.Rejected) result))
                .to(topics.deadLetters().name(), topics.deadLetters().produced("write-dead-letters"));

        KnownAccounts accounts = organization(builder, config);
        GeoIp geoIp = GeoIp.from(config);
        Supplier<RulePack> watchList = watchList(builder, config, rules, metrics, reload);
        Supplier<TuningSet> tuningInForce = tuningInForce(builder, config, tuning, rules, watchList, metrics, reload);
        shareProgress(builder, events, config, watermark, accounts);
        DetectionKit kit = new DetectionKit(new SeverityFilter(config.minSeverity(), metrics), metrics, flush,
                config.get(Settings.REPORT_WITHIN), watermark);
        List<DetectionFamily> families = List.of(
                new WatchListDetector(watchList, accounts, config.suppressionWindow(), kit),
                new BurstFamily(config, kit),
                new BaselineFamily(config, accounts, kit),
                new TrailSilentDetector(config, kit),
                new LoginLocationFamily(config, geoIp, kit));

        for (DetectionFamily family : families) {
            Detections detections = family.build(events);
            detections.alerts().forEach(stream -> writeAlerts(stream, accounts, geoIp, tuned(config, accounts,
                    metrics, tuningInForce), topics, metrics));
            detections.late().forEach(late -> writeLate(late, topics));
            detections.learned().forEach(learned -> writeLearned(learned, config));
        }
        Topology topology = builder.build();
        events.checkWired(topology.describe());
        return topology;
    }

    /**
     * The organization's accounts: {@code accounts.known} and the accounts topic, read as a global table on every
     * instance. Every alert sink names accounts from it; the baseline detections also learn accounts into it.
     */
    private static KnownAccounts organization(StreamsBuilder builder, DetectorConfig config) {
        builder.globalTable(config.get(Settings.TOPIC_ACCOUNTS),
                Consumed.with(Serdes.String(), new AccountInfoSerde()).withName(KnownAccounts.STORE + "-source"),
                Materialized.<String, AccountInfo, KeyValueStore<Bytes, byte[]>>as(KnownAccounts.STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(new AccountInfoSerde()));
        return new KnownAccounts(config.get(BaselineSettings.KNOWN_ACCOUNTS), KnownAccounts.STORE);
    }

    /**
     * The tuning step every alert stream passes: exceptions, disabled rules and severity overrides, in one place for
     * every detection.
     */
    private static FixedKeyProcessorSupplier<String, Alert, Alert> tuned(DetectorConfig config, KnownAccounts accounts,
                                                                         TrailWatchMetrics metrics,
                                                                         Supplier<TuningSet> tuning) {
        return TuningStep.supplier(tuning, accounts, metrics, config.minSeverity(),
                config.get(TuningSettings.AUDIT_LOG));
    }

    /**
     * The tuning in force: {@code tuning.dir}'s files (re-read while {@code reload} runs), with the exceptions topic's
     * documents (a global store on every instance, hot reload) added; without either, the files of the start. Each
     * document is validated when it arrives, against the rules known at start and the watch-list rules in force then
     * (the rules topic's global store is added first, so a restart restores the rules before the exceptions); an
     * invalid one is rejected and the previous version stays.
     */
    private static Supplier<TuningSet> tuningInForce(StreamsBuilder builder, DetectorConfig config,
                                                     Supplier<TuningSet> files, RulePack rules,
                                                     Supplier<RulePack> watchList, TrailWatchMetrics metrics,
                                                     FileReload reload) {
        String topic = config.get(Settings.TOPIC_EXCEPTIONS).trim();
        String dir = config.get(TuningSettings.DIR).trim();
        boolean watched = reload.enabled() && !dir.isEmpty();
        if (topic.isEmpty() && !watched) {
            return files;
        }
        LiveTuning live = new LiveTuning(files.get(), metrics);
        Set<String> atStart = KnownRules.of(config, rules);
        if (watched) {
            DocumentCatalog<TuningSet> tuningFiles = TuningDirectory.watch(reload, Path.of(dir), live,
                    () -> known(atStart, watchList.get()), metrics.registry());
            if (watchList instanceof LiveRules rulesInForce) {
                rulesInForce.onChange(tuningFiles::retryWaiting);
            }
        }
        if (topic.isEmpty()) {
            return live;
        }
        DocumentCatalog<TuningSet> catalog = new DocumentCatalog<>("exceptions", topic,
                (name, text) -> LiveTuning.validate(topic, name, text, known(atStart, watchList.get())),
                live::topicDocuments, metrics.registry());
        if (watchList instanceof LiveRules rulesInForce) {
            rulesInForce.onChange(catalog::retryWaiting);
        }
        builder.addGlobalStore(CatalogUpdater.store(EXCEPTIONS_STORE), topic,
                Consumed.with(Serdes.String(), Serdes.String()).withName("tuning-exceptions-update"),
                CatalogUpdater.supplier(catalog, EXCEPTIONS_STORE));
        return live;
    }

    /** The rule ids known at start with those of the watch-list rules in force now (the rules topic's among them). */
    private static Set<String> known(Set<String> atStart, RulePack inForce) {
        Set<String> known = new HashSet<>(atStart);
        inForce.rules().forEach(rule -> known.add(rule.id()));
        return known;
    }

    /**
     * The watch-list rules: the rule files ({@code rules.dir} re-read while {@code reload} runs), with the rules topic
     * (a global store on every instance, hot reload) laid over them by id. Each file and record is validated when it
     * arrives; the invalid ones are rejected and the previous version stays. Without a rules topic
     * ({@code topic.rules} empty) and without reload, the rule files of the start.
     */
    private static Supplier<RulePack> watchList(StreamsBuilder builder, DetectorConfig config, RulePack files,
                                                TrailWatchMetrics metrics, FileReload reload) {
        String topic = config.get(Settings.TOPIC_RULES).trim();
        String dir = config.get(Settings.RULES_DIR).trim();
        boolean watched = reload.enabled() && !dir.isEmpty();
        if (topic.isEmpty() && !watched) {
            return () -> files;
        }
        LiveRules live = new LiveRules(files);
        if (watched) {
            RuleDirectory.watch(reload, Path.of(dir), live, metrics.registry());
        }
        if (topic.isEmpty()) {
            return live;
        }
        DocumentCatalog<List<Rule>> catalog = new DocumentCatalog<>("rules", topic,
                (key, text) -> TopicRules.document(topic, key, text), live::topicDocuments, metrics.registry());
        builder.addGlobalStore(CatalogUpdater.store(RULES_STORE), topic,
                Consumed.with(Serdes.String(), Serdes.String()).withName("watchlist-rules-update"),
                CatalogUpdater.supplier(catalog, RULES_STORE));
        return live;
    }

    /**
     * The reorder-horizon watermark across instances: every input task publishes how far its partition is complete
     * to the progress topic, and every instance applies all of it as it arrives (a global store and its processor),
     * whatever tasks it owns.
     */
    private static void shareProgress(StreamsBuilder builder, EventRouter events,
                                      DetectorConfig config, InputWatermark watermark, KnownAccounts accounts) {
        String topic = config.get(Settings.TOPIC_PROGRESS);
        String applicationId = config.applicationId();
        builder.addGlobalStore(ProgressUpdater.store(), topic, Consumed.with(Serdes.String(), ProgressUpdater.SERDE)
                        .withName(InputProgressProcessor.STORE + "-source"),
                ProgressUpdater.supplier(applicationId, watermark, accounts::learn));
        events.process(InputProgressProcessor.STORE,
                        () -> new InputProgressProcessor<CloudTrailEvent>(applicationId, watermark))
                .to(topic, Produced.with(Serdes.String(), ProgressUpdater.SERDE)
                        .withName(InputProgressProcessor.STORE + "-write"));
    }

    /**
     * Puts the analyst's context on each alert (account name, OU and tags; the human behind the principal; the source
     * IP's country and network: {@link AlertEnricher}), applies tuning, keys by alert id and writes one alert stream.
     * Each stream gets its own sink rather than one
     * merge of all alerts: a merge would join a repartitioned detection's sub-topology to the input topic's, and that
     * task's stream time (the maximum over its partitions) would run ahead on the input partition while repartitioned
     * events waited for the next commit, turning them "late". The alerts topic's serde writes the configured
     * {@code alerts.format}; {@code topic.alerts.ocsf}, when set, gets the same alerts as OCSF findings.
     */
    private static void writeAlerts(Detections.AlertStream stream, KnownAccounts accounts, GeoIp geoIp,
                                    FixedKeyProcessorSupplier<String, Alert, Alert> tuning, Topics topics,
                                    TrailWatchMetrics metrics) {
        String name = stream.name();
        KStream<String, Alert> named = stream.alerts()
                .processValues(AlertEnricher.supplier(accounts, geoIp), Named.as(name + "-enrich-alerts"))
                .processValues(tuning, Named.as(name + "-tune"))
                .selectKey((account, alert) -> alert.alertId(), Named.as(name + "-key-by-alert-id"))
                .processValues(() -> new AlertSinkMetrics(metrics, stream.measured()),
                        Named.as(name + "-measure-alerts"));
        named.to(topics.alerts().name(), topics.alerts().produced(name + "-write-alerts"));
        topics.ocsfAlerts().ifPresent(ocsf -> named.to(ocsf.name(), ocsf.produced(name + "-write-ocsf-alerts")));
    }

    /**
     * Accounts a detection learned: to the accounts topic (names, operators' view), and to the progress topic, where
     * they travel in order with the input progress they were learned before (see {@link InputProgress}).
     */
    private static void writeLearned(Detections.LearnedAccounts learned, DetectorConfig config) {
        learned.accounts().to(config.get(Settings.TOPIC_ACCOUNTS), Produced.with(Serdes.String(),
                new AccountInfoSerde()).withName(learned.name() + "-write-accounts"));
        String applicationId = config.applicationId();
        learned.accounts()
                .filter((account, info) -> info.learnedAt() != null, Named.as(learned.name() + "-dated-accounts"))
                .map((account, info) -> KeyValue.pair(InputProgress.accountKey(applicationId, account),
                        new InputProgress(info.learnedAt().toEpochMilli(), InputWatermark.NOTHING)),
                        Named.as(learned.name() + "-accounts-as-progress"))
                .to(config.get(Settings.TOPIC_PROGRESS), Produced.with(Serdes.String(),
                        JacksonSerde.json(InputProgress.class)).withName(learned.name() + "-write-progress"));
    }

    /** Events a detection gave up on, to the dead-letter topic with their reason and the step that gave them up. */
    private static void writeLate(Detections.LateEvents late, Topics topics) {
        late.events()
                .processValues(() -> new EventDeadLetterProcessor(late.name(), late.reason()), Named.as(late.name()))
                .to(topics.deadLetters().name(), topics.deadLetters().produced(late.name() + "-write"));
    }
}
