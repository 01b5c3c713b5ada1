package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.config.BaselineSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.serde.JacksonSerde;
import dev.trailwatch.detector.suppress.HeldBack;
import dev.trailwatch.detector.suppress.Suppression;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A principal of an account outside the organization acts in one of its accounts ({@code HIGH}, ATT&amp;CK T1199
 * Trusted Relationship, T1078.004 Valid Accounts: Cloud Accounts).
 *
 * <p><b>What:</b> the acting principal's account ({@code userIdentity.accountId}: an IAM user or role session of
 * another account, an {@code AWSAccount} caller of AssumeRole or of a shared resource; then the session issuer's
 * account) is neither the account it acts in nor a known account. Known: {@code accounts.known}; the accounts topic
 * ({@code trailwatch.accounts}, a global table: a new entry counts at once, a tombstone within a minute); every
 * {@code recipientAccountId} seen on any partition (written once to that topic, so every instance learns it); accounts
 * created or invited through AWS Organizations. AWS service principals and {@code AwsServiceEvent}s are never
 * foreign; anonymous callers are not accounts and are left to other detections.
 *
 * <p><b>Why:</b> a role trust policy or a resource policy (S3, KMS, SNS, Lambda, RAM) that admits another account
 * is how attackers keep access and how a compromised vendor reaches in.
 *
 * <p><b>False positives:</b> vendors you trust on purpose (monitoring, CSPM, backup: add them to
 * {@code accounts.known} with their name); AWS-owned accounts some services call from; an organization account whose
 * own events this deployment never sees (its trail is not delivered here): seed {@code accounts.known} or the topic
 * from {@code aws organizations list-accounts}. An organization account whose own records arrive within the reorder
 * horizon ({@code reorder.horizon}) is never foreign, whatever partition or instance runs ahead: a call by an account
 * not known yet waits until every input partition is complete past its time + the horizon, so its alert comes just
 * over two horizons of event time after the call (docs/architecture.md, "Order of arrival"). A call by a known account
 * is settled at once.
 *
 * <p>Suppression (entity = account + principal) folds a foreign principal's repeats into one alert and one follow-up
 * per suppression window, the windows aligned to the epoch; its matches are held back until the input is complete,
 * and a window closes only once none of the calls still waiting in the same task falls in it ({@code HeldBack}),
 * however far the input's completeness has moved meanwhile. An {@code eventID}
 * flagged once is not flagged again for twice the suppression window, so a duplicate CloudTrail delivers after the
 * window closed does not alert again; one delivered even later re-emits the same {@code alertId} (rule + entity +
 * window start), which consumers upsert.
 */
public final class ForeignAccountDetector {

    public static final String ID = "foreign-account";
    static final List<String> MITRE = List.of("T1199", "T1078.004");
    private static final String FLAGGED_STORE = ID + "-flagged-events";
    private static final String PENDING_STORE = ID + "-pending";

    /**
     * What the processor needs, resolved once from configuration.
     *
     * @param flaggedFor how long (stream time) a flagged {@code eventID} is remembered (2 x suppression window)
     * @param watermark  how far the input is complete: a call by an account not known yet waits for it
     * @param held       told, per task, the earliest call still waiting: suppression closes no window it falls in
     */
    record Parameters(KnownAccounts accounts, boolean learnRecipients, boolean learnOrganizations,
                      String flaggedStore, Duration flaggedFor, String pendingStore, InputWatermark watermark,
                      FlushSignal flush, HeldBack held) {
    }

    private final Parameters params;
    private final Duration suppressionWindow;
    private final DetectionKit kit;

    ForeignAccountDetector(DetectorConfig config, KnownAccounts accounts, DetectionKit kit) {
        this.params = new Parameters(accounts, config.get(BaselineSettings.LEARN_RECIPIENTS),
                config.get(BaselineSettings.LEARN_ORGANIZATIONS), FLAGGED_STORE,
                config.suppressionWindow().multipliedBy(2), PENDING_STORE, kit.watermark(), kit.flush(),
                new HeldBack());
        this.suppressionWindow = config.suppressionWindow();
        this.kit = kit;
    }

    /** Suspects, suppressed per account and principal, and the accounts it learns, for the accounts topic. */
    Detections detect(EventRouter events) {
        Map<String, KStream<String, ForeignAccountOutput>> out = events
                .process(ID, new Supplier(params))
                .split(Named.as(ID + "-"))
                .branch((key, value) -> value instanceof ForeignAccountOutput.Learned, Branched.as("learned"))
                .defaultBranch(Branched.as("suspects"));
        KStream<String, AccountInfo> learned = out.get(ID + "-learned")
                .mapValues(value -> ((ForeignAccountOutput.Learned) value).info(), Named.as(ID + "-learned-info"));
        KStream<String, Alert> drafts = out.get(ID + "-suspects")
                .mapValues(value -> ((ForeignAccountOutput.Suspect) value).draft(), Named.as(ID + "-drafts"))
                .filter((account, draft) -> kit.severity().passes(draft), Named.as(ID + "-min-severity"));
        return Detections.of(ID, Suppression.apply(drafts, ID, suppressionWindow, params.held(), kit))
                .learning(ID, learned);
    }

    static Alerts.Finding finding(CloudTrailEvent event, String foreignAccount) {
        String account = event.recipientAccountId();
        String type = event.userIdentity().type();
        String title = "Principal of foreign account " + foreignAccount + " acted in account " + account;
        String description = event.principal() + " (" + type + " of account " + foreignAccount
                + ", not an account of the organization) called " + event.eventSource() + " " + event.eventName()
                + " in account " + account + " from " + event.sourceIpAddress()
                + (event.errorCode() == null ? "." : "; it failed with " + event.errorCode() + ".");
        String runbook = "Find out who owns account " + foreignAccount + " (a vendor, a partner, a former member "
                + "of the organization). If it is trusted on purpose, add it to accounts.known or the accounts topic "
                + "with its name. If not, find what lets it in (role trust policies and resource policies naming it, "
                + "RAM shares), remove that, and review everything its principals did in account " + account + ".";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("foreignAccount", foreignAccount);
        evidence.put("principalType", type);
        if (event.userIdentity().sessionIssuerArn() != null) {
            evidence.put("sessionIssuer", event.userIdentity().sessionIssuerArn());
        }
        if (event.errorCode() != null) {
            evidence.put("errorCode", event.errorCode());
        }
        return new Alerts.Finding(ID, title, description, Severity.HIGH, MITRE, runbook, evidence);
    }

    private record Supplier(Parameters params)
            implements ProcessorSupplier<String, CloudTrailEvent, String, ForeignAccountOutput> {

        @Override
        public Processor<String, CloudTrailEvent, String, ForeignAccountOutput> get() {
            return new ForeignAccountProcessor(params);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(params.flaggedStore()),
                    Serdes.String(), Serdes.Long()),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(params.pendingStore()),
                            Serdes.String(), JacksonSerde.smile(PendingSuspect.class)));
        }
    }
}
