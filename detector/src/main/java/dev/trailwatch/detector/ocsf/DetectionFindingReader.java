package dev.trailwatch.detector.ocsf;

import static dev.trailwatch.detector.ocsf.DetectionFindingMapper.text;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Detection Finding written by {@link DetectionFindingMapper} back into the native {@link Alert}, so that
 * consumers inside TrailWatch ({@code scan}, {@code demo}, tests) read an OCSF alerts topic like a native one.
 */
public final class DetectionFindingReader {

    private static final ObjectMapper JSON = JacksonSerde.configure(new ObjectMapper());
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private DetectionFindingReader() {
    }

    public static Alert toAlert(JsonNode finding) {
        if (finding.path("class_uid").asInt() != DetectionFindingMapper.CLASS_UID) {
            throw new IllegalArgumentException("not an OCSF Detection Finding (class_uid "
                    + finding.path("class_uid") + ", expected " + DetectionFindingMapper.CLASS_UID + ")");
        }
        JsonNode info = finding.path("finding_info");
        JsonNode cloud = finding.path("cloud");
        JsonNode evidences = finding.path("evidences");
        JsonNode first = evidences.path(0);
        List<String> eventIds = new ArrayList<>();
        evidences.forEach(evidence -> {
            if (evidence.hasNonNull("uid")) {
                eventIds.add(evidence.get("uid").asText());
            }
        });
        String sourceIp = text(first.path("src_endpoint").path("ip"));
        String eventSource = text(first.path("api").path("service").path("name"));
        return Alert.builder().alertId(text(info.path("uid"))).ruleId(text(info.path("analytic").path("uid")))
                .title(text(info.path("title"))).description(text(info.path("desc")))
                .severity(OcsfSeverity.fromId(finding.path("severity_id").asInt()))
                .accountId(text(cloud.path("account").path("uid"))).accountName(text(cloud.path("account").path("name")))
                .region(text(cloud.path("region"))).principal(text(first.path("actor").path("user").path("uid")))
                .sourceIp(sourceIp != null ? sourceIp : text(first.path("src_endpoint").path("name")))
                .userAgent(text(first.path("http_request").path("user_agent")))
                .eventName(text(first.path("api").path("operation")))
                .eventSource(eventSource != null ? eventSource : text(finding.path("unmapped").path("eventSource")))
                .eventIds(eventIds).eventCount(finding.path("count").asLong())
                .firstEventTime(time(finding.path("start_time"))).lastEventTime(time(finding.path("end_time")))
                .detectedAt(time(finding.path("time"))).mitre(mitre(info.path("attacks")))
                .runbook(text(finding.path("remediation").path("desc")))
                .evidence(evidence(finding.path("unmapped").path("evidence")))
                .context(AnalystContext.read(finding.path("enrichments"), JSON)).build();
    }

    private static List<String> mitre(JsonNode attacks) {
        Set<String> ids = new LinkedHashSet<>();
        attacks.forEach(attack -> {
            String sub = text(attack.path("sub_technique").path("uid"));
            ids.add(sub != null ? sub : attack.path("technique").path("uid").asText());
        });
        return List.copyOf(ids);
    }

    private static Map<String, Object> evidence(JsonNode node) {
        return node.isObject() ? JSON.convertValue(node, MAP) : Map.of();
    }

    private static Instant time(JsonNode millis) {
        return millis.isNumber() ? Instant.ofEpochMilli(millis.asLong()) : null;
    }
}
