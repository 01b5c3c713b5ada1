package dev.trailwatch.detector.ocsf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.model.IpLocation;

/**
 * An alert's {@link AlertContext} in OCSF: where OCSF has a place, there ({@code cloud.org.ou_name},
 * {@code cloud.account.labels} as {@code key=value}, the first evidence's {@code src_endpoint.location.country} and
 * {@code src_endpoint.autonomous_system}); and each part whole as an {@code enrichments} entry, which is also how
 * {@link DetectionFindingReader} reads the context back without loss:
 * <ul>
 *   <li>{@code cloud.account.uid} = the account id, type {@code account}, data = name, ou, tags;</li>
 *   <li>{@code actor.user.uid} = the principal, type {@code actor}, data = the human and where that answer comes
 *       from (sourceIdentity, Identity Center, session name, ...);</li>
 *   <li>{@code src_endpoint.ip} = the source IP, type {@code location}, data = country, asn, asOrganization.</li>
 * </ul>
 */
final class AnalystContext {

    static final String PROVIDER = "TrailWatch";
    private static final String ACCOUNT = "cloud.account.uid";
    private static final String ACTOR = "actor.user.uid";
    private static final String SOURCE = "src_endpoint.ip";

    private AnalystContext() {
    }

    /** The context's {@code enrichments}, or null when the alert has none. */
    static ArrayNode enrichments(Alert alert, ObjectMapper json) {
        AlertContext context = alert.context();
        if (context == null) {
            return null;
        }
        ArrayNode enrichments = json.createArrayNode();
        if (context.account() != null && alert.accountId() != null) {
            add(enrichments, ACCOUNT, alert.accountId(), "account", json.valueToTree(context.account()));
        }
        if (context.actor() != null) {
            add(enrichments, ACTOR, alert.principal() == null ? "" : alert.principal(), "actor",
                    json.valueToTree(context.actor()));
        }
        if (context.source() != null && alert.sourceIp() != null) {
            add(enrichments, SOURCE, alert.sourceIp(), "location", json.valueToTree(context.source()));
        }
        return enrichments.isEmpty() ? null : enrichments;
    }

    /** {@code cloud.org.ou_name} and {@code cloud.account.labels} from the account's context. */
    static void cloud(Alert alert, ObjectNode cloud) {
        AlertContext.Account account = alert.context() == null ? null : alert.context().account();
        if (account == null) {
            return;
        }
        if (account.ou() != null) {
            cloud.putObject("org").put("ou_name", account.ou());
        }
        if (account.tags() != null && account.tags().isObject() && !account.tags().isEmpty()) {
            ArrayNode labels = ((ObjectNode) cloud.get("account")).putArray("labels");
            account.tags().fields().forEachRemaining(tag -> labels.add(tag.getKey() + "=" + tag.getValue().asText()));
        }
    }

    /** The source IP's {@code location} and {@code autonomous_system} on an evidence's {@code src_endpoint}. */
    static void sourceEndpoint(Alert alert, ObjectNode endpoint) {
        IpLocation source = alert.context() == null ? null : alert.context().source();
        if (source == null) {
            return;
        }
        if (source.country() != null) {
            endpoint.putObject("location").put("country", source.country());
        }
        if (source.asn() != null || source.asOrganization() != null) {
            ObjectNode as = endpoint.putObject("autonomous_system");
            if (source.asn() != null) {
                as.put("number", source.asn());
            }
            DetectionFindingMapper.putText(as, "name", source.asOrganization());
        }
    }

    /** The context the enrichments carry, or null when there are none. */
    static AlertContext read(JsonNode enrichments, ObjectMapper json) {
        AlertContext.Account account = null;
        AlertContext.Actor actor = null;
        IpLocation source = null;
        for (JsonNode enrichment : enrichments) {
            JsonNode data = enrichment.path("data");
            switch (enrichment.path("name").asText()) {
                case ACCOUNT -> account = json.convertValue(data, AlertContext.Account.class);
                case ACTOR -> actor = json.convertValue(data, AlertContext.Actor.class);
                case SOURCE -> source = json.convertValue(data, IpLocation.class);
                default -> {
                }
            }
        }
        return account == null && actor == null && source == null ? null
                : new AlertContext(account, actor, source);
    }

    private static void add(ArrayNode enrichments, String name, String value, String type, JsonNode data) {
        enrichments.addObject().put("name", name).put("value", value).put("type", type).put("provider", PROVIDER)
                .set("data", data);
    }
}
