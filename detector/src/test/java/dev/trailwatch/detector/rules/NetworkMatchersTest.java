package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkMatchersTest {

    private final RequestMatcher ingress = RequestMatchers.named("ingress-open-to-world").orElseThrow();
    private final RequestMatcher nacl = RequestMatchers.named("nacl-entry-open-to-world").orElseThrow();

    private static CloudTrailEvent sg(String eventName, String cidrField, String cidr) {
        String range = cidrField.equals("cidrIp") ? "ipRanges" : "ipv6Ranges";
        return TestEvents.call("ec2.amazonaws.com", eventName, """
                {"groupId": "sg-0a1b2c3d4e5f67890", "ipPermissions": {"items": [
                  {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {}, "prefixListIds": {},
                   "%s": {"items": [{"%s": "10.0.0.0/8"}, {"%s": "%s"}]}}]}}"""
                .formatted(range, cidrField, cidrField, cidr));
    }

    @Test
    void alertsWhenSecurityGroupIngressIsOpenToTheWorld() {
        CloudTrailEvent event = sg("AuthorizeSecurityGroupIngress", "cidrIp", "0.0.0.0/0");

        assertThat(ingress.matches(event)).isTrue();
        assertThat(ingress.evidence(event)).containsEntry("openCidrs", List.of("0.0.0.0/0"))
                .containsEntry("openPorts", List.of("tcp 22"));
    }

    @Test
    void alertsWhenIpv6IngressIsOpenToTheWorld() {
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupIngress", "cidrIpv6", "::/0"))).isTrue();
    }

    @Test
    void staysQuietForPrivateRanges() {
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupIngress", "cidrIp", "192.168.0.0/16"))).isFalse();
    }

    @Test
    void staysQuietForEgressToTheWorld() {
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupEgress", "cidrIp", "0.0.0.0/0"))).isFalse();
    }

    @Test
    void alertsOnModifySecurityGroupRulesToTheWorld() {
        CloudTrailEvent event = TestEvents.call("ec2.amazonaws.com", "ModifySecurityGroupRules", """
                {"ModifySecurityGroupRulesRequest": {"GroupId": "sg-0a1b2c3d4e5f67890", "SecurityGroupRule": {
                  "SecurityGroupRuleId": "sgr-0123456789abcdef0", "SecurityGroupRule": {"IpProtocol": "-1",
                  "CidrIpv4": "0.0.0.0/0"}}}}""");

        assertThat(ingress.matches(event)).isTrue();
        assertThat(ingress.evidence(event)).containsEntry("openPorts", List.of("all traffic"));
    }

    @Test
    void alertsOnDatabaseSecurityGroupIngressFromAnywhere() {
        CloudTrailEvent rds = TestEvents.call("rds.amazonaws.com", "AuthorizeDBSecurityGroupIngress",
                "{\"dBSecurityGroupName\": \"database-sg\", \"cIDRIP\": \"0.0.0.0/0\"}");
        CloudTrailEvent redshift = TestEvents.call("redshift.amazonaws.com", "AuthorizeClusterSecurityGroupIngress",
                "{\"clusterSecurityGroupName\": \"analytics\", \"cIDRIP\": \"198.51.100.0/24\"}");

        assertThat(ingress.matches(rds)).isTrue();
        assertThat(ingress.evidence(rds)).containsOnlyKeys("openCidrs");
        assertThat(ingress.matches(redshift)).isFalse();
    }

    private static CloudTrailEvent naclEntry(String cidrField, String cidr, String action, boolean egress) {
        return TestEvents.call("ec2.amazonaws.com", "CreateNetworkAclEntry", """
                {"networkAclId": "acl-0f1e2d3c4b5a69788", "ruleNumber": 100, "egress": %s, "ruleAction": "%s",
                 "icmpTypeCode": {}, "portRange": {"from": 3389, "to": 3389}, "aclProtocol": "6", "%s": "%s"}"""
                .formatted(egress, action, cidrField, cidr));
    }

    @Test
    void alertsWhenANaclAllowsInboundFromTheWorld() {
        CloudTrailEvent event = naclEntry("cidrBlock", "0.0.0.0/0", "allow", false);

        assertThat(nacl.matches(event)).isTrue();
        assertThat(nacl.evidence(event)).containsEntry("openCidrs", List.of("0.0.0.0/0"))
                .containsEntry("openPorts", List.of("3389"));
        assertThat(nacl.matches(naclEntry("ipv6CidrBlock", "::/0", "allow", false))).isTrue();
    }

    @Test
    void staysQuietForNaclDenyEgressOrNarrowEntries() {
        assertThat(nacl.matches(naclEntry("cidrBlock", "0.0.0.0/0", "deny", false))).isFalse();
        assertThat(nacl.matches(naclEntry("cidrBlock", "0.0.0.0/0", "allow", true))).isFalse();
        assertThat(nacl.matches(naclEntry("cidrBlock", "203.0.113.0/24", "allow", false))).isFalse();
    }
    private static CloudTrailEvent sgRules(String permissions) {
        return TestEvents.call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
                "{\"groupId\": \"sg-0a1b2c3d4e5f67890\", \"ipPermissions\": {\"items\": [" + permissions + "]}}");
    }

    private static String rule(int port, String... cidrs) {
        StringBuilder ranges = new StringBuilder();
        for (String cidr : cidrs) {
            ranges.append(ranges.isEmpty() ? "" : ", ").append("{\"cidrIp\": \"").append(cidr).append("\"}");
        }
        return """
                {"ipProtocol": "tcp", "fromPort": %d, "toPort": %d, "groups": {}, "prefixListIds": {},
                 "ipRanges": {"items": [%s]}}""".formatted(port, port, ranges);
    }

    @Test
    void alertsWhenTwoHalvesOfTheInternetOpenTheSamePort() {
        CloudTrailEvent event = sgRules(rule(22, "0.0.0.0/1", "128.0.0.0/1"));

        assertThat(ingress.matches(event)).isTrue();
        assertThat(ingress.evidence(event)).containsEntry("openCidrs", List.of("0.0.0.0/1", "128.0.0.0/1"))
                .containsEntry("openPorts", List.of("tcp 22"));
    }

    @Test
    void alertsWhenHalvesSitInSeparateRulesForTheSamePort() {
        assertThat(ingress.matches(sgRules(rule(22, "0.0.0.0/1") + ", " + rule(22, "128.0.0.0/2", "192.0.0.0/2"))))
                .isTrue();
    }

    @Test
    void staysQuietWhenHalvesOpenDifferentPorts() {
        assertThat(ingress.matches(sgRules(rule(22, "0.0.0.0/1") + ", " + rule(443, "128.0.0.0/1")))).isFalse();
    }

    @Test
    void staysQuietForHalfTheInternetOrAGap() {
        assertThat(ingress.matches(sgRules(rule(22, "0.0.0.0/1")))).isFalse();
        assertThat(ingress.matches(sgRules(rule(22, "0.0.0.0/1", "128.0.0.0/2", "224.0.0.0/3")))).isFalse();
    }

    @Test
    void alertsOnEveryWayOfWritingTheWholeFamily() {
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupIngress", "cidrIpv6", "::0/0"))).isTrue();
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupIngress", "cidrIpv6", "0:0:0:0:0:0:0:0/0"))).isTrue();
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupIngress", "cidrIp", "10.1.2.3/0"))).isTrue();
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupIngress", "cidrIpv6", "2001:db8::/32"))).isFalse();
        assertThat(ingress.matches(sg("AuthorizeSecurityGroupIngress", "cidrIp", "not-a-cidr"))).isFalse();
    }

    @Test
    void allTrafficRuleCombinesWithAPortRule() {
        String allTraffic = """
                {"ipProtocol": "-1", "groups": {}, "prefixListIds": {},
                 "ipRanges": {"items": [{"cidrIp": "128.0.0.0/1"}]}}""";
        CloudTrailEvent event = sgRules(rule(3389, "0.0.0.0/1") + ", " + allTraffic);

        assertThat(ingress.matches(event)).isTrue();
        assertThat(ingress.evidence(event)).containsEntry("openPorts", List.of("tcp 3389"));
        assertThat(ingress.evidence(event).get("openCidrs")).asList().containsExactly("0.0.0.0/1", "128.0.0.0/1");
    }

    @Test
    void naclEntryCoveringAFamilyInAnotherSpellingIsOpen() {
        assertThat(nacl.matches(naclEntry("ipv6CidrBlock", "::0/0", "allow", false))).isTrue();
        assertThat(nacl.matches(naclEntry("cidrBlock", "0.0.0.0/1", "allow", false))).isFalse();
    }
}
