package dev.trailwatch.detector.detect.silence;

import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.kit.AlertIds;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The words of trail-silent's two alerts: the silence, and the LOW follow-up when events resume. Both ids derive from
 * rule + account + region + the eventTime of the last event before the silence, so a replay of the same history
 * names the same silence; the follow-up's entity adds {@code |resumed}, so it is a record of its own on the
 * (alert-id keyed) alerts topic and does not overwrite the alert it resolves, which it names in its evidence.
 */
final class SilenceAlerts {

    static final List<String> MITRE = List.of("T1562.008");

    static final String RUNBOOK = "Find out why the account stopped delivering events in this region. 1) Trail "
            + "status: `aws cloudtrail get-trail-status --name <trail>` (IsLogging, LatestDeliveryTime, "
            + "LatestDeliveryError) for the organization trail and any trail in the member account. 2) What it "
            + "records: `aws cloudtrail get-event-selectors --trail-name <trail>`; management events excluded "
            + "(IncludeManagementEvents=false, ExcludeManagementEventSources, advanced selectors) silence an account "
            + "more quietly than StopLogging. 3) Search the organization trail and the member account (CloudTrail "
            + "Event history keeps 90 days of management events even when trails stop) for PutEventSelectors, "
            + "StopLogging, DeleteTrail, UpdateTrail and PutInsightSelectors around the last event time. 4) If the "
            + "trail is fine, check the delivery path: the S3 bucket (policy, KMS key, lifecycle), the SQS "
            + "notifications, and the ingest connector's metrics and lag. 5) If someone changed the trail, treat it "
            + "as defense evasion: find who, rotate their credentials, restore logging, and review what the account "
            + "did while unobserved.";

    private SilenceAlerts() {
    }

    static String silenceId(String account, String region, RegionActivity activity) {
        return AlertIds.of(TrailSilentDetector.ID, account + '|' + region, activity.lastEventTime);
    }

    static String resumeId(String account, String region, RegionActivity activity) {
        return AlertIds.of(TrailSilentDetector.ID, account + '|' + region + "|resumed", activity.lastEventTime);
    }

    static Alert silence(String account, String region, RegionActivity last, long now, Duration after,
                         int minEvents, Severity severity) {
        Instant lastEvent = Instant.ofEpochMilli(last.lastEventTime);
        String silentFor = format(now - last.lastArrival);
        String title = "CloudTrail events stopped arriving from account " + account + " in " + region;
        String description = "No CloudTrail event from account " + account + " in " + region + " has arrived for "
                + silentFor + " (threshold " + Durations.format(after) + "), while other events still arrive. The "
                + "last one, " + last.eventName + " by " + principal(last) + " at " + lastEvent + ", arrived at "
                + Instant.ofEpochMilli(last.lastArrival) + ". A stopped or deleted trail, or event selectors that "
                + "exclude management events (PutEventSelectors), silence an account like this; so does a broken "
                + "delivery pipeline.";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("accountId", account);
        evidence.put("region", region);
        evidence.put("lastEventTime", lastEvent.toString());
        evidence.put("lastEventId", last.lastEventId);
        evidence.put("lastArrival", Instant.ofEpochMilli(last.lastArrival).toString());
        evidence.put("silentFor", silentFor);
        evidence.put("threshold", Durations.format(after));
        evidence.put("recentEvents", last.recentEvents());
        evidence.put("minEvents", minEvents);
        return Alert.builder().alertId(silenceId(account, region, last)).ruleId(TrailSilentDetector.ID).title(title)
                .description(description).severity(severity).accountId(account).region(region)
                .principal(principal(last)).eventName(last.eventName).eventSource(last.eventSource)
                .eventIds(eventIds(last)).eventCount(1).firstEventTime(lastEvent).lastEventTime(lastEvent)
                .detectedAt(Instant.ofEpochMilli(now)).mitre(MITRE).runbook(RUNBOOK).evidence(evidence).build();
    }

    /** The follow-up: {@code before} is the region's state before {@code event} arrived at {@code now}. */
    static Alert resume(String account, String region, RegionActivity before, CloudTrailEvent event, long now,
                        Duration after) {
        String silentFor = format(now - before.lastArrival);
        String title = "CloudTrail events from account " + account + " in " + region + " resumed after " + silentFor;
        String description = "Events from account " + account + " in " + region + " arrive again: " + event.eventName()
                + " by " + event.principal() + " at " + Instant.ofEpochMilli(event.eventTime()) + " ended a silence of "
                + silentFor + " (since the event of " + Instant.ofEpochMilli(before.lastEventTime) + "). Check "
                + "whether events are missing from that gap and what the account did during it.";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("accountId", account);
        evidence.put("region", region);
        evidence.put("silenceAlertId", before.silenceAlertId);
        evidence.put("silentFrom", Instant.ofEpochMilli(before.lastArrival).toString());
        evidence.put("silentTo", Instant.ofEpochMilli(now).toString());
        evidence.put("silentFor", silentFor);
        evidence.put("lastEventTimeBefore", Instant.ofEpochMilli(before.lastEventTime).toString());
        evidence.put("firstEventTimeAfter", Instant.ofEpochMilli(event.eventTime()).toString());
        evidence.put("threshold", Durations.format(after));
        Instant time = Instant.ofEpochMilli(event.eventTime());
        return Alert.builder().alertId(resumeId(account, region, before)).ruleId(TrailSilentDetector.ID).title(title)
                .description(description).severity(Severity.LOW).triggeredBy(event).accountId(account).region(region)
                .eventIds(List.of(event.eventId())).eventCount(1).firstEventTime(time).lastEventTime(time)
                .detectedAt(Instant.ofEpochMilli(now)).mitre(MITRE).runbook(RUNBOOK).evidence(evidence).build();
    }

    private static String principal(RegionActivity activity) {
        return activity.principal == null ? "cloudtrail" : activity.principal;
    }

    private static List<String> eventIds(RegionActivity activity) {
        return activity.lastEventId == null ? List.of() : List.of(activity.lastEventId);
    }

    /** Whole minutes (seconds under one): evidence reads {@code 31m}, not {@code 1860123ms}. */
    private static String format(long millis) {
        return Durations.format(millis >= 60_000 ? Duration.ofMinutes(millis / 60_000)
                : Duration.ofSeconds(Math.max(1, millis / 1000)));
    }
}
