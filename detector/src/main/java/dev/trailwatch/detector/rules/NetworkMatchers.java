package dev.trailwatch.detector.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matchers for network exposure: firewall rules that let the whole internet in. "The whole internet" is any set of
 * CIDRs that together cover every IPv4 or every IPv6 address ({@link CidrCoverage}), not just the strings
 * {@code 0.0.0.0/0} and {@code ::/0}.
 */
final class NetworkMatchers {

    private static final String ALL_TRAFFIC = "all traffic";

    private NetworkMatchers() {
    }

    static List<RequestMatcher> all() {
        return List.of(
                new RequestMatcher("ingress-open-to-world",
                        "an ingress rule (EC2 security group, RDS, ElastiCache or Redshift security group) opens a port range "
                                + "to a set of CIDRs covering all IPv4 or all IPv6 addresses (0.0.0.0/0, ::/0, ::0/0, "
                                + "0.0.0.0/1 + 128.0.0.0/1, ...) anywhere in the request; egress calls never match",
                        NetworkMatchers::ingressOpenToWorld, NetworkMatchers::ingressEvidence),
                new RequestMatcher("nacl-entry-open-to-world",
                        "a network ACL entry allows inbound traffic from a CIDR covering all IPv4 or all IPv6 addresses",
                        NetworkMatchers::naclOpenToWorld, NetworkMatchers::naclEvidence));
    }

    /**
     * Any CIDR field ({@code cidrIp}, {@code cidrIpv6}, {@code CidrIpv4}, {@code cIDRIP}, ...) anywhere in the request
     * whose CIDRs, together, cover a whole address family. {@code ModifySecurityGroupRules} does not say whether the rule is ingress or egress,
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

    /**
     * CIDR -> the protocol/port ranges opened to it (empty when the request does not say), for the CIDRs that open
     * some port range to a whole address family. Several rules of one request count together when they open the same
     * port range (or all traffic): {@code 0.0.0.0/1} and {@code 128.0.0.0/1} on port 22 open port 22 to the world;
     * on ports 22 and 443 respectively they open neither.
     */
    private static Map<String, Set<String>> openPorts(CloudTrailEvent event) {
        List<Opening> openings = new ArrayList<>();
        walk(event.requestParameters(), null, openings);
        Map<String, List<String>> byPorts = new LinkedHashMap<>();
        List<String> everyPort = new ArrayList<>();
        for (Opening opening : openings) {
            if (opening.ports() == null || opening.ports().equals(ALL_TRAFFIC)) {
                everyPort.add(opening.cidr());
            } else {
                byPorts.computeIfAbsent(opening.ports(), k -> new ArrayList<>()).add(opening.cidr());
            }
        }
        Map<String, Set<String>> open = new LinkedHashMap<>();
        for (String cidr : CidrCoverage.worldCovering(everyPort)) {
            Set<String> ports = open.computeIfAbsent(cidr, k -> new LinkedHashSet<>());
            openings.stream().filter(o -> o.cidr().equals(cidr) && o.ports() != null)
                    .forEach(o -> ports.add(o.ports()));
        }
        byPorts.forEach((ports, cidrs) -> {
            List<String> together = new ArrayList<>(cidrs);
            together.addAll(everyPort);
            for (String cidr : CidrCoverage.worldCovering(together)) {
                open.computeIfAbsent(cidr, k -> new LinkedHashSet<>()).add(ports);
            }
        });
        return open;
    }

    /** One CIDR of the request and the port range of the rule it sits in (null when the request does not say). */
    private record Opening(String cidr, String ports) {
    }

    private static void walk(JsonNode node, JsonNode permission, List<Opening> out) {
        if (node.isArray()) {
            node.forEach(child -> walk(child, permission, out));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode context = hasProtocol(node) ? node : permission;
        node.properties().forEach(p -> {
            JsonNode value = p.getValue();
            if (isCidrKey(p.getKey()) && value.isTextual()) {
                out.add(new Opening(value.textValue().trim(), context == null ? null : describePorts(context)));
            } else {
                walk(value, context, out);
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
            return ALL_TRAFFIC;
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
            if (cidr != null && CidrCoverage.isWorld(cidr.trim())) {
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
