package dev.trailwatch.detector.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert on {@code cloudtrail.alerts}: the contract SOC pipelines consume (see docs/alert-schema.md).
 *
 * <p>{@code alertId} is deterministic (rule + entity + window), so a replay or a retry re-emits the same id and a
 * follow-up that folds repeats carries the id of the alert it extends.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"schemaVersion", "alertId", "ruleId", "title", "description", "severity", "accountId",
        "accountName", "region", "principal", "sourceIp", "userAgent", "eventName", "eventSource", "eventIds",
        "eventCount", "firstEventTime", "lastEventTime", "detectedAt", "mitre", "runbook", "evidence"})
public record Alert(
        int schemaVersion,
        String alertId,
        String ruleId,
        String title,
        String description,
        Severity severity,
        String accountId,
        String accountName,
        String region,
        String principal,
        String sourceIp,
        String userAgent,
        String eventName,
        String eventSource,
        List<String> eventIds,
        long eventCount,
        Instant firstEventTime,
        Instant lastEventTime,
        Instant detectedAt,
        List<String> mitre,
        String runbook,
        Map<String, Object> evidence) {

    public static final int SCHEMA_VERSION = 1;

    /** The most event ids an alert lists; {@code eventCount} keeps counting past it. */
    public static final int MAX_EVENT_IDS = 100;

    public Alert {
        eventIds = List.copyOf(eventIds);
        mitre = List.copyOf(mitre);
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** This alert extended to cover more events: same id, larger count, later last event. */
    public Alert folded(List<String> allEventIds, long count, Instant last, Instant detected) {
        return new Alert(schemaVersion, alertId, ruleId, title, description, severity, accountId, accountName, region,
                principal, sourceIp, userAgent, eventName, eventSource, allEventIds, count, firstEventTime, last,
                detected, mitre, runbook, evidence);
    }

    public Alert withAlertId(String id) {
        return new Alert(schemaVersion, id, ruleId, title, description, severity, accountId, accountName, region,
                principal, sourceIp, userAgent, eventName, eventSource, eventIds, eventCount, firstEventTime,
                lastEventTime, detectedAt, mitre, runbook, evidence);
    }

    public Alert withAccountName(String name) {
        return new Alert(schemaVersion, alertId, ruleId, title, description, severity, accountId, name, region,
                principal, sourceIp, userAgent, eventName, eventSource, eventIds, eventCount, firstEventTime,
                lastEventTime, detectedAt, mitre, runbook, evidence);
    }
}
