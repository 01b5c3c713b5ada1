package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.accounts.OrganizationAccounts;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.InputWatermark;
import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.model.Alert;
import org.apache.kafka.streams.KeyValue;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.UserIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
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
 * <p>Known for an event at time {@code t} means: configured, an operator's entry on the accounts topic, or seen (as a
 * recipient, or joining through Organizations) at an event time at or before {@code t} + the reorder horizon. The
 * answer must not depend on which partition ran ahead: a call whose principal's account is already known that way is
 * settled at once (the common case: no wait, no store); one whose account is not known yet waits in a small store
 * until the whole input, every partition on every instance ({@link InputWatermark}), is complete past
 * {@code t} + horizon (stream time beyond {@code t} + 2 horizons everywhere: a record at exactly {@code t} + horizon
 * is still within the contract until then), and is flagged only if the account is still not known by then. A flush
 * (end of a scan) decides whatever waits.
 *
 * <p>Per event the common case costs two hash lookups: the recipient is already settled, and the principal acts in its
 * own account. A cross-account call reads the global accounts table at most once a minute per caller account, and
 * only a suspect reads and writes the stores (the waiting suspects, and the {@code eventID}s already flagged, kept
 * twice the suppression window, so a duplicate delivered after the window closed does not alert again, and a flood
 * of one foreign principal's calls cannot grow the store beyond that span).
 */
final class ForeignAccountProcessor implements Processor<String, CloudTrailEvent, String, ForeignAccountOutput> {

    /** How long (stream time) a known account is taken as known without asking the table again. */
    static final Duration RECHECK_AFTER = Duration.ofMinutes(1);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    private static final Duration RELEASE_EVERY = Duration.ofSeconds(1);

    private final ForeignAccountDetector.Parameters params;
    /** Accounts learned here since {@link #init}, with the earliest event time each was seen at. */
    private final Map<String, Long> settled = new HashMap<>();
    /** Cross-account callers found known: from when (event time) and until when (stream time) to trust that. */
    private final Map<String, long[]> knownUntil = new HashMap<>();
    private ProcessorContext<String, ForeignAccountOutput> context;
    private KnownAccounts.Table table;
    private KeyValueStore<String, Long> flagged;
    private KeyValueStore<String, PendingSuspect> pending;
    private InputWatermark watermark;
    private TaskId task;
    private int partition;
    /** The earliest event time among the waiting suspects; {@link Long#MAX_VALUE} when none waits. */
    private long earliestPending = Long.MAX_VALUE;
    private long observed = InputWatermark.NOTHING;
    private final Punctuators punctuators = new Punctuators();

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
        this.pending = context.getStateStore(params.pendingStore());
        this.watermark = params.watermark();
        this.task = context.taskId();
        this.partition = task.partition();
        settled.clear();
        knownUntil.clear();
        // Suppression closes no window of this task before what its stores still hold: after a restart or a revive,
        // what they were restored to.
        earliestPending = earliestWaiting();
        params.held().holding(task, earliestPending);
        observed = InputWatermark.NOTHING;
        punctuators.replace(context.schedule(PURGE_EVERY, PunctuationType.STREAM_TIME, this::forgetOldFlags),
                context.schedule(RELEASE_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> releaseDue()),
                params.flush().onRequest(context, () -> decide(Long.MAX_VALUE)));
    }

    @Override
    public void close() {
        punctuators.cancel();
        if (task != null) {
            params.held().forget(task);
        }
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
        if (foreign != null) {
            Alerts.Finding finding = ForeignAccountDetector.finding(event, foreign);
            String accountName = params.accounts().nameOf(event.recipientAccountId(), table);
            Alert draft = Alerts.draft(finding, event).withAccountName(accountName);
            pending.put(event.eventId(), new PendingSuspect(draft, foreign, event.eventTime(), record.key()));
            if (event.eventTime() < earliestPending) {
                earliestPending = event.eventTime();
                params.held().holding(task, earliestPending);
            }
        }
        if (earliestPending != Long.MAX_VALUE) {
            releaseDue();
        }
    }

    /**
     * Makes an account known here from the event's time on and, unless the configuration or an entry of the topic
     * already has it as early, writes it there.
     */
    private void learn(String accountId, String name, String how, CloudTrailEvent event) {
        long time = event.eventTime();
        Long seen = settled.get(accountId);
        if (seen != null && seen <= time || !KnownAccounts.isAccountId(accountId)) {
            return;
        }
        settled.merge(accountId, time, Math::min);
        params.accounts().learn(accountId, time);
        if (params.accounts().configured(accountId)) {
            return;
        }
        AccountInfo entry = table.get(accountId);
        if (entry == null || entry.learnedAt() != null && entry.learnedAt().toEpochMilli() > time) {
            String keptName = name != null || entry == null ? name : entry.name();
            AccountInfo info = AccountInfo.learned(keptName, how, Instant.ofEpochMilli(time));
            context.forward(new Record<>(accountId, new ForeignAccountOutput.Learned(info), time));
        }
    }

    /**
     * The first account among the principal's ({@code userIdentity.accountId}, then its session issuer's) that is
     * neither the account it acts in nor known for the event's time; null when there is none, or when AWS itself acts.
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

    /**
     * Whether {@code account} is another account than the one the call was made in, and not known. A record without
     * a recipient account (older records, eventVersion 1.05 console sign-ins among them) says nothing about where the
     * caller acted, so it makes no foreign caller.
     */
    private boolean foreign(String account, CloudTrailEvent event) {
        return KnownAccounts.isAccountId(account) && KnownAccounts.isAccountId(event.recipientAccountId())
                && !account.equals(event.recipientAccountId()) && !known(account, event.eventTime());
    }

    /**
     * Whether an account is known for an event at {@code time}: seen at or before {@code time} + the horizon (or known
     * always). A yes is remembered for {@link #RECHECK_AFTER} of stream time: a new account on the topic counts at
     * once, a tombstone within a minute.
     */
    private boolean known(String account, long time) {
        long latest = time > Long.MAX_VALUE - watermark.horizon() ? Long.MAX_VALUE : time + watermark.horizon();
        long now = context.currentStreamTimeMs();
        long[] cached = knownUntil.get(account);
        if (cached != null && now < cached[1] && cached[0] <= latest) {
            return true;
        }
        Long from = params.accounts().knownFrom(account, table);
        if (from != null && from <= latest) {
            knownUntil.put(account, new long[] {from, now + RECHECK_AFTER.toMillis()});
            return true;
        }
        knownUntil.remove(account);
        return false;
    }

    /**
     * Decides the waiting suspects the input is complete enough for: past their time + horizon. Complete up to exactly
     * {@code t} + horizon is not enough: a record at exactly that time is within the contract (stream time is then
     * {@code t} + 2 horizons, and it is one horizon behind), and it would make the account known for {@code t}. With
     * no horizon, arrival order is trusted: a suspect is decided as soon as its own time is complete. The rule is
     * {@link InputWatermark#releasedUpTo}, which suppression closes this detector's windows by, short of the earliest
     * suspect still waiting here (told to {@code HeldBack} whenever it changes).
     */
    private void releaseDue() {
        if (earliestPending == Long.MAX_VALUE) {
            return;
        }
        long streamTime = context.currentStreamTimeMs();
        if (streamTime != observed) {
            watermark.observe(partition, streamTime);
            observed = streamTime;
        }
        long upTo = watermark.releasedUpTo();
        if (upTo != InputWatermark.NOTHING && upTo >= earliestPending) {
            decide(upTo);
        }
    }

    /** Flags each waiting suspect at or before {@code upTo} whose account is still not known for its time. */
    private void decide(long upTo) {
        List<String> done = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        try (KeyValueIterator<String, PendingSuspect> all = pending.all()) {
            while (all.hasNext()) {
                KeyValue<String, PendingSuspect> entry = all.next();
                PendingSuspect suspect = entry.value;
                if (suspect.time() > upTo) {
                    earliest = Math.min(earliest, suspect.time());
                    continue;
                }
                done.add(entry.key);
                knownUntil.remove(suspect.account());
                if (!known(suspect.account(), suspect.time()) && flagged.get(entry.key) == null) {
                    flagged.put(entry.key, suspect.time());
                    context.forward(new Record<>(suspect.key(), new ForeignAccountOutput.Suspect(suspect.draft()),
                            suspect.time()));
                }
            }
        }
        done.forEach(pending::delete);
        earliestPending = earliest;
        params.held().holding(task, earliestPending);
    }

    private long earliestWaiting() {
        long earliest = Long.MAX_VALUE;
        try (KeyValueIterator<String, PendingSuspect> all = pending.all()) {
            while (all.hasNext()) {
                earliest = Math.min(earliest, all.next().value.time());
            }
        }
        return earliest;
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
