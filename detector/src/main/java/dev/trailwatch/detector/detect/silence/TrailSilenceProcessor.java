package dev.trailwatch.detector.detect.silence;

import dev.trailwatch.detector.detect.kit.Punctuators;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Watches when each account x region last delivered an event (wall clock) and raises {@link TrailSilentDetector}'s
 * alerts: the silence from a wall-clock punctuator, the resume follow-up from the event that ends it.
 *
 * <p>The store (one {@link AccountActivity} per account, the input key) is the durable copy; the working copy is a map
 * of deserialized entries rebuilt in {@link #init}, which Streams calls again after every restore. A change to a count
 * or to a silence is written at once; last-event fields alone only mark the account dirty and are written at the next
 * punctuation, so a busy region costs no store write per event. A crash loses at most a minute of those fields.
 *
 * <p>"Other events still arrive" is judged per stream task (one input partition, so the accounts hashed to it): the
 * task must have received any event within {@code silence.after}. When nothing reaches the task at all, the whole
 * feed is down, which pipeline health (consumer lag, the ingest connector's metrics) reports, not this detection.
 */
final class TrailSilenceProcessor implements Processor<String, CloudTrailEvent, String, Alert> {

    private static final long CHECK_EVERY = Duration.ofMinutes(1).toMillis();

    private final String storeName;
    private final Parameters params;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, AccountActivity> store;
    private final Map<String, AccountActivity> accounts = new HashMap<>();
    /** Whether any account is {@link AccountActivity#dirty}: a flag on the account, not a set, costs no lookup. */
    private boolean anyDirty;
    private long startedAt;
    private long taskLastArrival;
    private final Punctuators punctuators = new Punctuators();

    /** What the processor needs, resolved once from configuration. */
    record Parameters(Duration after, int minEvents, Severity severity, long forgetAfter,
                      SeverityFilter minSeverity) {

        long afterMillis() {
            return after.toMillis();
        }

        /** Length of each of the two buckets recent events are counted in. */
        long span() {
            return 4 * after.toMillis();
        }
    }

    TrailSilenceProcessor(String storeName, Parameters params) {
        this.storeName = storeName;
        this.params = params;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        accounts.clear();
        anyDirty = false;
        try (KeyValueIterator<String, AccountActivity> all = store.all()) {
            all.forEachRemaining(entry -> accounts.put(entry.key, entry.value));
        }
        // Silence is measured from the later of the last arrival and this start: after downtime every region gets
        // silence.after to show up again, and the task needs an event of its own before anything counts as silent.
        startedAt = context.currentSystemTimeMs();
        taskLastArrival = 0;
        long every = Math.max(1_000, Math.min(CHECK_EVERY, params.afterMillis() / 2));
        punctuators.replace(context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::check));
    }

    @Override
    public void close() {
        punctuators.cancel();
    }

    @Override
    public void process(Record<String, CloudTrailEvent> record) {
        CloudTrailEvent event = record.value();
        long now = context.currentSystemTimeMs();
        taskLastArrival = now;
        String account = record.key() != null ? record.key() : event.recipientAccountId();
        String region = event.awsRegion();
        if (account == null || region == null) {
            return;
        }
        AccountActivity activity = accounts.computeIfAbsent(account, a -> AccountActivity.empty());
        RegionActivity entry = activity.regions().get(region);
        boolean changed = entry == null;
        if (entry == null) {
            entry = new RegionActivity();
            activity.regions().put(region, entry);
        }
        if (entry.silent()) {
            emit(record.withValue(SilenceAlerts.resume(account, region, entry, event, now, params.after())));
            entry.resumed();
            changed = true;
        }
        changed |= entry.arrive(event, now, params.span(), params.minEvents());
        if (changed) {
            store.put(account, activity);
            activity.dirty = false;
        } else {
            activity.dirty = true;
            anyDirty = true;
        }
    }

    /** Writes dirty accounts, forgets long-silent regions, and raises the silences that passed the threshold. */
    private void check(long now) {
        if (anyDirty) {
            for (Map.Entry<String, AccountActivity> account : accounts.entrySet()) {
                if (account.getValue().dirty) {
                    store.put(account.getKey(), account.getValue());
                    account.getValue().dirty = false;
                }
            }
            anyDirty = false;
        }
        boolean othersArrive = taskLastArrival > 0 && now - taskLastArrival <= params.afterMillis();
        Iterator<Map.Entry<String, AccountActivity>> all = accounts.entrySet().iterator();
        while (all.hasNext()) {
            Map.Entry<String, AccountActivity> account = all.next();
            boolean changed = forget(account.getValue(), now);
            if (othersArrive) {
                changed |= raiseSilences(account.getKey(), account.getValue(), now);
            }
            if (account.getValue().regions().isEmpty()) {
                store.delete(account.getKey());
                all.remove();
            } else if (changed) {
                store.put(account.getKey(), account.getValue());
            }
        }
    }

    private boolean forget(AccountActivity activity, long now) {
        return activity.regions().values().removeIf(region -> now - region.lastArrival > params.forgetAfter());
    }

    private boolean raiseSilences(String account, AccountActivity activity, long now) {
        boolean changed = false;
        for (Map.Entry<String, RegionActivity> entry : activity.regions().entrySet()) {
            RegionActivity region = entry.getValue();
            long quietFor = now - Math.max(region.lastArrival, startedAt);
            if (!region.silent() && region.sending(params.minEvents()) && quietFor > params.afterMillis()) {
                Alert alert = SilenceAlerts.silence(account, entry.getKey(), region, now, params.after(),
                        params.minEvents(), params.severity());
                emit(new Record<>(account, alert, now));
                region.silenced(alert.alertId(), now);
                changed = true;
            }
        }
        return changed;
    }

    /** Forwards an alert at or above the configured minimum severity; counts the others only. */
    private void emit(Record<String, Alert> record) {
        if (params.minSeverity().passes(record.value())) {
            context.forward(record);
        }
    }
}
