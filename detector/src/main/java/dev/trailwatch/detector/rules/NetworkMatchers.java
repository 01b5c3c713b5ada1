package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Matchers for network exposure: firewall rules that let the whole internet in. */
final class NetworkMatchers {

    private static final Set<String> WORLD = Set.of("0.0.0.0/0", "::/0");

    private NetworkMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(
                new RequestMatcher("ingress-open-to-world",
                        "an ingress rule (EC2 security group, RDS, ElastiCache or Redshift security group) allows "
                                + "0.0.0.0/0 or ::/0 anywhere in the request; egress calls never match",
                        NetworkMatchers::ingressOpenToWorld, NetworkMatchers::ingressEvidence),
                new RequestMatcher("nacl-entry-open-to-world",
                        "a network ACL entry allows inbound traffic from 0.0.0.0/0 or ::/0",
                        NetworkMatchers::naclOpenToWorld, NetworkMatchers::naclEvidence));
    }

    /**
     * Any CIDR field ({@code cidrIp}, {@code cidrIpv6}, {@code CidrIpv4}, {@code cIDRIP}, ...) anywhere in the request
     * that is the whole internet. {@code ModifySecurityGroupRules} does not say whether the rule is ingress or egress,
     * so an egress rule changed that way also matches (a documented false positive).
     */
    static boolean ingressOpenToWorld(CloudTrailEvent event) {
        return !event.eventName().contains("Egress") && !openPorts(event).isEmpty();
    }

    private static Map<String, Object> ingressEvidence(CloudTrailEvent event) {
        Map<String, Set<String>> open = openPorts(event);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("openCidrs", List.copyOf(open.keySet()));
        Set<String> ports = new LinkedHashSet<>();
        open.values().forEach(ports::addAll);
        if (!ports.isEmpty()) {
            out.put("openPorts", List.copyOf(ports));
        }
        return out;
    }

    /** World CIDR -> the protocol/port ranges opened to it (empty when the request does not say). */
    private static Map<String, Set<String>> openPorts(CloudTrailEvent event) {
        Map<String, Set<String>> open = new LinkedHashMap<>();
        walk(event.requestParameters(), null, open);
        return open;
    }

    private static void walk(JsonNode node, JsonNode permission, Map<String, Set<String>> open) {
        if (node.isArray()) {
            node.forEach(child -> walk(child, permission, open));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode context = hasProtocol(node) ? node : permission;
        node.properties().forEach(p -> {
            JsonNode value = p.getValue();
            if (isCidrKey(p.getKey()) && value.isTextual() && WORLD.contains(value.textValue().trim())) {
                Set<String> ports = open.computeIfAbsent(value.textValue().trim(), k -> new LinkedHashSet<>());
                if (context != null) {
                    ports.add(describePorts(context));
                }
            } else {
                walk(value, context, open);
            }
        });
    }

    private static boolean isCidrKey(String key) {
        return key.equalsIgnoreCase("cidrIp") || key.equalsIgnoreCase("cidrIpv4") || key.equalsIgnoreCase("cidrIpv6");
    }

    private static boolean hasProtocol(JsonNode node) {
        return node.has("ipProtocol") || node.has("IpProtocol");
    }

    private static String describePorts(JsonNode rule) {
        String protocol = firstText(rule, "ipProtocol", "IpProtocol");
        if ("-1".equals(protocol)) {
            return "all traffic";
        }
        String from = firstText(rule, "fromPort", "FromPort");
        String to = firstText(rule, "toPort", "ToPort");
        String range = from == null ? "all ports" : from.equals(to) || to == null ? from : from + "-" + to;
        return protocol + " " + range;
    }

    private static String firstText(JsonNode node, String a, String b) {
        String value = RequestFields.text(node, a);
        return value != null ? value : RequestFields.text(node, b);
    }

    /** {@code CreateNetworkAclEntry} / {@code ReplaceNetworkAclEntry}: an inbound allow from the whole internet. */
    static boolean naclOpenToWorld(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        boolean inbound = !RequestFields.isTrue(request.path("egress"));
        boolean allow = "allow".equalsIgnoreCase(RequestFields.text(request, "ruleAction"));
        return inbound && allow && naclCidr(request) != null;
    }

    private static String naclCidr(JsonNode request) {
        for (String field : List.of("cidrBlock", "ipv6CidrBlock")) {
            String cidr = RequestFields.text(request, field);
            if (cidr != null && WORLD.contains(cidr.trim())) {
                return cidr.trim();
            }
        }
        return null;
    }

    private static Map<String, Object> naclEvidence(CloudTrailEvent event) {
        JsonNode request = event.requestParameters();
        Map<String, Object> out = new LinkedHashMap<>();
        String cidr = naclCidr(request);
        if (cidr != null) {
            out.put("openCidrs", List.of(cidr));
        }
        JsonNode range = request.path("portRange");
        if (range.has("from")) {
            String from = range.path("from").asText();
            String to = range.path("to").asText(from);
            out.put("openPorts", List.of(from.equals(to) ? from : from + "-" + to));
        }
        return out;
    }
}
