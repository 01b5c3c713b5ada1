package dev.trailwatch.detector.ocsf;

import static dev.trailwatch.detector.ocsf.DetectionFindingMapper.putText;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.Alert;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The triggering CloudTrail events as OCSF {@code evidences}, one per {@code eventID}. The native alert describes
 * only the first event (principal, source IP, user agent, API call), so only the first evidence carries an
 * {@code actor}, {@code src_endpoint}, {@code http_request} and {@code api}; the others name their event in
 * {@code uid} and {@code data.eventID} (OCSF asks every evidence for at least one artifact).
 */
final class FindingEvidences {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private FindingEvidences() {
    }

    static ArrayNode of(Alert alert, ObjectMapper json) {
        ArrayNode evidences = json.createArrayNode();
        List<String> ids = alert.eventIds();
        ObjectNode first = first(alert, json, ids.isEmpty() ? null : ids.get(0));
        if (first != null) {
            evidences.add(first);
        }
        for (String id : ids.subList(Math.min(1, ids.size()), ids.size())) {
            ObjectNode evidence = evidences.addObject().put("uid", id);
            evidence.putObject("data").put("eventID", id);
        }
        return evidences;
    }

    private static ObjectNode first(Alert alert, ObjectMapper json, String eventId) {
        ObjectNode evidence = json.createObjectNode();
        putText(evidence, "uid", eventId);
        if (alert.principal() != null) {
            evidence.set("actor", actor(AwsPrincipal.of(alert.principal()), json));
        }
        if (alert.sourceIp() != null) {
            ObjectNode endpoint = evidence.putObject("src_endpoint")
                    .put(isIpAddress(alert.sourceIp()) ? "ip" : "name", alert.sourceIp());
            AnalystContext.sourceEndpoint(alert, endpoint);
        }
        if (alert.userAgent() != null) {
            evidence.putObject("http_request").put("user_agent", alert.userAgent());
        }
        if (alert.eventName() != null) {
            ObjectNode api = evidence.putObject("api").put("operation", alert.eventName());
            if (alert.eventSource() != null) {
                api.putObject("service").put("name", alert.eventSource());
            }
        }
        if (!(evidence.has("actor") || evidence.has("src_endpoint") || evidence.has("api"))) {
            if (evidence.isEmpty()) {
                return null;
            }
            ObjectNode data = evidence.putObject("data");
            putText(data, "eventID", eventId);
        }
        return evidence;
    }

    private static ObjectNode actor(AwsPrincipal principal, ObjectMapper json) {
        ObjectNode actor = json.createObjectNode();
        ObjectNode user = actor.putObject("user").put("uid", principal.uid());
        putText(user, "name", principal.name());
        user.put("type_id", principal.typeId()).put("type", principal.typeCaption());
        if (principal.accountId() != null) {
            user.putObject("account").put("uid", principal.accountId())
                    .put("type_id", DetectionFindingMapper.AWS_ACCOUNT).put("type", "AWS Account");
        }
        if (principal.sessionArn() != null) {
            actor.putObject("session").put("uid_alt", principal.sessionArn());
        }
        return actor;
    }

    /** CloudTrail's sourceIPAddress is an IP, or a service name ("ec2.amazonaws.com", "AWS Internal"). */
    static boolean isIpAddress(String text) {
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (!IPV6.matcher(text).matches()) {
            return false;
        }
        try {
            // A text with ':' is parsed as an IPv6 literal: no name lookup.
            return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
