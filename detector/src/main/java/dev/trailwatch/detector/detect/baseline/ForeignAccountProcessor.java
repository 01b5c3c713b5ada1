package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.accounts.OrganizationAccounts;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Learns the organization's accounts from the events (recipients, Organizations events), writes each newly learned one
 * to the accounts topic, and flags calls whose acting principal belongs to an account that is not known.
 *
 * <p>Per event the common case costs two hash lookups: the recipient is already settled, and the principal acts in its
 * own account. A cross-account call reads the global accounts table at most once a minute per caller account, and
 * only a suspect reads and writes the store of {@code eventID}s already flagged (kept twice the suppression window, so
 * a duplicate delivered after the window closed does not alert again, and a flood of one foreign principal's calls
 * cannot grow the store beyond that span).
 */
final class ForeignAccountProcessor implements Processor<String, CloudTrailEvent, String, ForeignAccountOutput> {

    /** How long (stream time) a known account is taken as known without asking the table again. */
    static final Duration RECHECK_AFTER = Duration.ofMinutes(1);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final ForeignAccountDetector.Parameters params;
    /** Accounts whose presence in the accounts topic this processor has checked or written since {@link #init}. */
    private final Set<String> settled = new HashSet<>();
    /** Cross-account callers found known, until when (stream time): a table read costs a RocksDB get and a parse. */
    private final Map<String, Long> knownUntil = new HashMap<>();
    private ProcessorContext<String, ForeignAccountOutput> context;
    private KnownAccounts.Table table;
    private KeyValueStore<String, Long> flagged;

    ForeignAccountProcessor(ForeignAccountDetector.Parameters params) {
        this.params = params;
    }

    @Override
    public void init(ProcessorContext<String, ForeignAccountOutput> context) {
        this.context = context;
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<AccountInfo>> accounts =
                context.getStateStore(params.accounts().storeName());
        this.table = KnownAccounts.table(accounts);
        this.flagged = context.getStateStore(params.flaggedStore());
        settled.clear();
        knownUntil.clear();
        context.schedule(PURGE_EVERY, PunctuationType.STREAM_TIME, this::forgetOldFlags);
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        if (params.learnRecipients()) {
            learn(event.recipientAccountId(), null, "recipient", event);
        }
        if (params.learnOrganizations()) {
            for (OrganizationAccounts.Joined joined : OrganizationAccounts.in(event)) {
                learn(joined.accountId(), joined.name(), "organizations:" + event.eventName(), event);
            }
        }
        String foreign = foreignAccountOf(event);
        if (foreign != null && !isDuplicate(event)) {
            flagged.put(event.eventId(), event.eventTime());
            Alerts.Finding finding = ForeignAccountDetector.finding(event, foreign);
            String accountName = params.accounts().nameOf(event.recipientAccountId(), table);
            context.forward(record.withValue(
                    new ForeignAccountOutput.Suspect(Alerts.draft(finding, event).withAccountName(accountName))));
        }
    }

    /** Makes an account known here and, unless the topic or the configuration already has it, writes it there once. */
    private void learn(String accountId, String name, String how, CloudTrailEvent event) {
        if (!KnownAccounts.isAccountId(accountId) || settled.contains(accountId)) {
            return;
        }
        settled.add(accountId);
        params.accounts().learn(accountId);
        if (!params.accounts().configured(accountId) && table.get(accountId) == null) {
            AccountInfo info = AccountInfo.learned(name, how, Instant.ofEpochMilli(event.eventTime()));
            context.forward(new Record<>(accountId, new ForeignAccountOutput.Learned(info), event.eventTime()));
        }
    }

    /**
     * The first account among the principal's ({@code userIdentity.accountId}, then its session issuer's) that is
     * neither the account it acts in nor a known one; null when there is none, or when AWS itself acts.
     */
    private String foreignAccountOf(CloudTrailEvent event) {
        UserIdentity id = event.userIdentity();
        if (id.isAwsService() || "AwsServiceEvent".equals(event.eventType())) {
            return null;
        }
        if (foreign(id.accountId(), event)) {
            return id.accountId();
        }
        return foreign(id.sessionIssuerAccountId(), event) ? id.sessionIssuerAccountId() : null;
    }

    private boolean foreign(String account, CloudTrailEvent event) {
        return KnownAccounts.isAccountId(account) && !account.equals(event.recipientAccountId()) && !known(account);
    }

    /**
     * Whether an account is known, remembering a yes for {@link #RECHECK_AFTER} of stream time: a new account on the
     * topic counts at once, a tombstone within a minute.
     */
    private boolean known(String account) {
        long now = context.currentStreamTimeMs();
        Long until = knownUntil.get(account);
        if (until != null && now < until) {
            return true;
        }
        if (params.accounts().isKnown(account, table)) {
            knownUntil.put(account, now + RECHECK_AFTER.toMillis());
            return true;
        }
        knownUntil.remove(account);
        return false;
    }

    private boolean isDuplicate(CloudTrailEvent event) {
        return flagged.get(event.eventId()) != null;
    }

    private void forgetOldFlags(long streamTime) {
        long cutoff = streamTime - params.flaggedFor().toMillis();
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = flagged.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value < cutoff) {
                    old.add(entry.key);
                }
            });
        }
        old.forEach(flagged::delete);
    }
}
