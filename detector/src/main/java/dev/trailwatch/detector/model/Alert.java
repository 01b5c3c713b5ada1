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
        "eventCount", "firstEventTime", "lastEventTime", "detectedAt", "mitre", "runbook", "evidence", "context"})
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
        Map<String, Object> evidence,
        AlertContext context) {

    public static final int SCHEMA_VERSION = 1;

    /** The most event ids an alert lists; {@code eventCount} keeps counting past it. */
    public static final int MAX_EVENT_IDS = 100;

    public Alert {
        eventIds = List.copyOf(eventIds);
        mitre = List.copyOf(mitre);
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** An alert built field by field, by name: an argument swap cannot compile into a wrong alert. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this alert's fields, to change some of them. */
    public Builder toBuilder() {
        return new Builder().schemaVersion(schemaVersion).alertId(alertId).ruleId(ruleId).title(title)
                .description(description).severity(severity).accountId(accountId).accountName(accountName)
                .region(region).principal(principal).sourceIp(sourceIp).userAgent(userAgent).eventName(eventName)
                .eventSource(eventSource).eventIds(eventIds).eventCount(eventCount).firstEventTime(firstEventTime)
                .lastEventTime(lastEventTime).detectedAt(detectedAt).mitre(mitre).runbook(runbook).evidence(evidence).context(context);
    }

    /**
     * This alert extended to cover more events: same id and wording, larger count, its events' earliest and latest
     * times.
     */
    public Alert folded(List<String> allEventIds, long count, Instant first, Instant last, Instant detected) {
        return toBuilder().eventIds(allEventIds).eventCount(count).firstEventTime(first).lastEventTime(last)
                .detectedAt(detected).build();
    }

    public Alert withAlertId(String id) {
        return toBuilder().alertId(id).build();
    }

    public Alert withAccountName(String name) {
        return toBuilder().accountName(name).build();
    }

    /** This alert with its analyst context (account, actor, source location) filled in. */
    public Alert withContext(AlertContext value) {
        return toBuilder().context(value).build();
    }

    /** Builds an {@link Alert}; every field is set by name. Unset lists are empty, the schema version current. */
    public static final class Builder {

        private int schemaVersion = SCHEMA_VERSION;
        private String alertId;
        private String ruleId;
        private String title;
        private String description;
        private Severity severity;
        private String accountId;
        private String accountName;
        private String region;
        private String principal;
        private String sourceIp;
        private String userAgent;
        private String eventName;
        private String eventSource;
        private List<String> eventIds = List.of();
        private long eventCount;
        private Instant firstEventTime;
        private Instant lastEventTime;
        private Instant detectedAt;
        private List<String> mitre = List.of();
        private String runbook;
        private Map<String, Object> evidence = Map.of();
        private AlertContext context;

        private Builder() {
        }

        /**
         * Where, who, from where and which call, from the event that triggered the alert: {@code accountId}
         * ({@link CloudTrailEvent#accountShown}: {@code recipientAccountId}, else the caller's account),
         * {@code region}, {@code principal}, {@code sourceIp}, {@code userAgent}, {@code eventName} and
         * {@code eventSource}; and what only the event says about the human behind a role session
         * ({@code sourceIdentity}, the Identity Center user id), for the alert sinks' context step.
         */
        public Builder triggeredBy(CloudTrailEvent event) {
            AlertContext.Actor actor = AlertContext.Actor.fromEvent(event);
            return accountId(event.accountShown()).region(event.awsRegion()).principal(event.principal())
                    .sourceIp(event.sourceIpAddress()).userAgent(event.userAgent()).eventName(event.eventName())
                    .eventSource(event.eventSource())
                    .context(actor == null ? null : new AlertContext(null, actor, null));
        }

        public Builder schemaVersion(int value) {
            schemaVersion = value;
            return this;
        }

        public Builder alertId(String value) {
            alertId = value;
            return this;
        }

        public Builder ruleId(String value) {
            ruleId = value;
            return this;
        }

        public Builder title(String value) {
            title = value;
            return this;
        }

        public Builder description(String value) {
            description = value;
            return this;
        }

        public Builder severity(Severity value) {
            severity = value;
            return this;
        }

        public Builder accountId(String value) {
            accountId = value;
            return this;
        }

        public Builder accountName(String value) {
            accountName = value;
            return this;
        }

        public Builder region(String value) {
            region = value;
            return this;
        }

        public Builder principal(String value) {
            principal = value;
            return this;
        }

        public Builder sourceIp(String value) {
            sourceIp = value;
            return this;
        }

        public Builder userAgent(String value) {
            userAgent = value;
            return this;
        }

        public Builder eventName(String value) {
            eventName = value;
            return this;
        }

        public Builder eventSource(String value) {
            eventSource = value;
            return this;
        }

        public Builder eventIds(List<String> value) {
            eventIds = value;
            return this;
        }

        public Builder eventCount(long value) {
            eventCount = value;
            return this;
        }

        public Builder firstEventTime(Instant value) {
            firstEventTime = value;
            return this;
        }

        public Builder lastEventTime(Instant value) {
            lastEventTime = value;
            return this;
        }

        public Builder detectedAt(Instant value) {
            detectedAt = value;
            return this;
        }

        public Builder mitre(List<String> value) {
            mitre = value;
            return this;
        }

        public Builder runbook(String value) {
            runbook = value;
            return this;
        }

        public Builder evidence(Map<String, Object> value) {
            evidence = value;
            return this;
        }

        /** Set by the alert sinks' context step; a detector sets only what the event alone says (actor). */
        public Builder context(AlertContext value) {
            context = value;
            return this;
        }

        public Alert build() {
            return new Alert(schemaVersion, alertId, ruleId, title, description, severity, accountId, accountName,
                    region, principal, sourceIp, userAgent, eventName, eventSource, eventIds, eventCount,
                    firstEventTime, lastEventTime, detectedAt, mitre, runbook, evidence, context);
        }
    }
}
