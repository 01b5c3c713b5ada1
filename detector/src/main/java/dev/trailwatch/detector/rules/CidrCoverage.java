package dev.trailwatch.detector.rules;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "Open to the world" as address arithmetic, not as the strings {@code 0.0.0.0/0} and {@code ::/0}: a set of CIDRs
 * opens a firewall to the world when, together, they cover every address of IPv4 or of IPv6. {@code ::0/0},
 * {@code 0.0.0.0/1} + {@code 128.0.0.0/1} in one request, or {@code 10.1.2.3/0} all count. Parsing and merging are
 * done by seancfoley's IPAddress library; text that is not a CIDR is ignored.
 */
final class CidrCoverage {

    private CidrCoverage() {
    }

    /**
     * For each address family the given CIDRs cover entirely, the CIDRs (as written, in order) that do the covering,
     * without those the others make redundant ({@code 10.0.0.0/8} next to {@code 0.0.0.0/0}); empty when no family
     * is covered.
     */
    static List<String> worldCovering(Collection<String> cidrs) {
        Map<String, IPAddress> v4 = new LinkedHashMap<>();
        Map<String, IPAddress> v6 = new LinkedHashMap<>();
        for (String text : cidrs) {
            IPAddress block = block(text);
            if (block != null) {
                (block.isIPv4() ? v4 : v6).putIfAbsent(text, block);
            }
        }
        List<String> out = new ArrayList<>();
        out.addAll(covering(v4));
        out.addAll(covering(v6));
        return out;
    }

    private static List<String> covering(Map<String, IPAddress> family) {
        if (!coversFamily(family.values())) {
            return List.of();
        }
        Map<String, IPAddress> needed = new LinkedHashMap<>(family);
        for (Map.Entry<String, IPAddress> cidr : family.entrySet()) {
            needed.remove(cidr.getKey());
            if (!coversFamily(needed.values())) {
                needed.put(cidr.getKey(), cidr.getValue());
            }
        }
        return family.keySet().stream().filter(needed::containsKey).toList();
    }

    /** True when this one CIDR is a whole address family. */
    static boolean isWorld(String cidr) {
        return !worldCovering(List.of(cidr)).isEmpty();
    }

    /** The prefix block a CIDR names (host bits dropped), or null when the text is not an IPv4 or IPv6 CIDR. */
    static IPAddress block(String text) {
        if (text == null || !text.contains("/")) {
            return null;
        }
        IPAddress address = new IPAddressString(text.trim()).getAddress();
        return address == null || address.getNetworkPrefixLength() == null ? null : address.toPrefixBlock();
    }

    private static boolean coversFamily(Collection<IPAddress> blocks) {
        if (blocks.isEmpty()) {
            return false;
        }
        IPAddress[] all = blocks.toArray(IPAddress[]::new);
        IPAddress[] merged = all[0].mergeToPrefixBlocks(all);
        return merged.length == 1 && Integer.valueOf(0).equals(merged[0].getNetworkPrefixLength());
    }
}
