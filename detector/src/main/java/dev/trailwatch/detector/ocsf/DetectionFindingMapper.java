package dev.trailwatch.detector.ocsf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.time.Instant;

/**
 * Maps a native {@link Alert} to an OCSF Detection Finding (class 2004, activity Create), as the schema in
 * {@code schema/ocsf-detection-finding.schema.json} describes it. Pure: the same alert always gives the same finding.
 * docs/alert-sinks.md has the field-by-field table; {@link DetectionFindingReader} is the way back.
 */
public final class DetectionFindingMapper {

    /** The OCSF release the findings follow ({@code metadata.version}). */
    public static final String OCSF_VERSION = "1.9.0";
    public static final int CLASS_UID = 2004;
    public static final int CATEGORY_UID = 2;
    public static final int ACTIVITY_CREATE = 1;
    public static final int TYPE_UID = CLASS_UID * 100 + ACTIVITY_CREATE;
    static final String PRODUCT = "TrailWatch";
    /** OCSF {@code account.type_id} 10: AWS Account. */
    static final int AWS_ACCOUNT = 10;

    private final ObjectMapper json = JacksonSerde.configure(new ObjectMapper());
    private final AttackTechniques techniques = AttackTechniques.bundled();
    private final String productVersion = DetectionFindingMapper.class.getPackage().getImplementationVersion();

    public ObjectNode toFinding(Alert alert) {
        ObjectNode finding = classification(OcsfSeverity.of(alert.severity()));
        putText(finding, "message", alert.title());
        Instant time = alert.detectedAt() != null ? alert.detectedAt() : alert.lastEventTime();
        putTime(finding, "time", time);
        putTime(finding, "start_time", alert.firstEventTime());
        putTime(finding, "end_time", alert.lastEventTime());
        finding.put("count", alert.eventCount());
        finding.set("metadata", metadata(alert));
        finding.set("finding_info", findingInfo(alert));
        finding.set("cloud", cloud(alert));
        ArrayNode evidences = FindingEvidences.of(alert, json);
        if (!evidences.isEmpty()) {
            finding.set("evidences", evidences);
        }
        if (alert.runbook() != null) {
            finding.putObject("remediation").put("desc", alert.runbook());
        }
        ArrayNode enrichments = AnalystContext.enrichments(alert, json);
        if (enrichments != null) {
            finding.set("enrichments", enrichments);
        }
        ObjectNode unmapped = unmapped(alert);
        if (!unmapped.isEmpty()) {
            finding.set("unmapped", unmapped);
        }
        return finding;
    }

    /** Class, activity (always Create: a follow-up is the same finding with a larger count), severity, status. */
    private ObjectNode classification(OcsfSeverity severity) {
        return json.createObjectNode()
                .put("activity_id", ACTIVITY_CREATE).put("activity_name", "Create")
                .put("category_uid", CATEGORY_UID).put("category_name", "Findings")
                .put("class_uid", CLASS_UID).put("class_name", "Detection Finding")
                .put("type_uid", TYPE_UID).put("type_name", "Detection Finding: Create")
                .put("severity_id", severity.id()).put("severity", severity.caption())
                .put("status_id", 1).put("status", "New")
                .put("is_alert", true);
    }

    private ObjectNode metadata(Alert alert) {
        ObjectNode metadata = json.createObjectNode().put("version", OCSF_VERSION);
        ObjectNode product = metadata.putObject("product").put("name", PRODUCT).put("vendor_name", PRODUCT);
        putText(product, "version", productVersion);
        putText(metadata, "event_code", alert.ruleId());
        // One record per state of the finding: the first alert and each follow-up that folded more events.
        if (alert.alertId() != null) {
            metadata.put("uid", alert.alertId() + ":" + alert.eventCount());
        }
        metadata.putArray("profiles").add("cloud");
        return metadata;
    }

    private ObjectNode findingInfo(Alert alert) {
        ObjectNode info = json.createObjectNode();
        putText(info, "uid", alert.alertId());
        putText(info, "title", alert.title());
        putText(info, "desc", alert.description());
        if (alert.ruleId() != null) {
            info.putArray("types").add(alert.ruleId());
            info.putObject("analytic").put("uid", alert.ruleId()).put("name", alert.ruleId())
                    .put("type_id", 1).put("type", "Rule");
        }
        putTime(info, "first_seen_time", alert.firstEventTime());
        putTime(info, "last_seen_time", alert.lastEventTime());
        if (!alert.mitre().isEmpty()) {
            ArrayNode attacks = info.putArray("attacks");
            alert.mitre().forEach(id -> attacks.addAll(attacks(id)));
        }
        return info;
    }

    /** One attack per tactic of the technique (OCSF's {@code attack} holds one tactic), or one without a tactic. */
    private ArrayNode attacks(String id) {
        ArrayNode attacks = json.createArrayNode();
        AttackTechniques.Technique technique = techniques.find(id);
        int dot = id.indexOf('.');
        ObjectNode base = json.createObjectNode();
        if (dot < 0) {
            base.set("technique", entity(id, technique.name()));
        } else {
            base.set("technique", entity(id.substring(0, dot), techniques.find(id.substring(0, dot)).name()));
            base.set("sub_technique", entity(id, technique.name()));
        }
        if (technique.tactics().isEmpty()) {
            return attacks.add(base);
        }
        for (AttackTechniques.Tactic tactic : technique.tactics()) {
            attacks.add(base.deepCopy().set("tactic", entity(tactic.id(), tactic.name())));
        }
        return attacks;
    }

    private ObjectNode cloud(Alert alert) {
        ObjectNode cloud = json.createObjectNode().put("provider", "AWS");
        putText(cloud, "region", alert.region());
        ObjectNode account = cloud.putObject("account");
        putText(account, "uid", alert.accountId());
        putText(account, "name", alert.accountName());
        account.put("type_id", AWS_ACCOUNT).put("type", "AWS Account");
        AnalystContext.cloud(alert, cloud);
        return cloud;
    }

    private ObjectNode unmapped(Alert alert) {
        ObjectNode unmapped = json.createObjectNode();
        if (!alert.evidence().isEmpty()) {
            unmapped.set("evidence", json.valueToTree(alert.evidence()));
        }
        if (alert.eventName() == null && alert.eventSource() != null) {
            unmapped.put("eventSource", alert.eventSource());
        }
        return unmapped;
    }

    private ObjectNode entity(String uid, String name) {
        ObjectNode entity = json.createObjectNode().put("uid", uid);
        putText(entity, "name", name);
        return entity;
    }

    static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    static void putTime(ObjectNode node, String field, Instant time) {
        if (time != null) {
            node.put(field, time.toEpochMilli());
        }
    }

    static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
