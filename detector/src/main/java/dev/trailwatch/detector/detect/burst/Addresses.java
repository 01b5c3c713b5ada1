package dev.trailwatch.detector.detect.burst;

/**
 * Cheap tests on CloudTrail's {@code sourceIPAddress}: an IP literal (not a service name such as
 * {@code ec2.amazonaws.com} or {@code AWS Internal}), and whether it is private (RFC 1918, shared address space,
 * loopback, link-local, IPv6 unique-local and link-local). No parsing library: this runs per candidate event.
 */
final class Addresses {

    private Addresses() {
    }

    static boolean isLiteral(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        boolean colon = false;
        int dots = 0;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c == '.') {
                dots++;
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return colon || dots == 3 && address.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }

    static boolean isPrivate(String address) {
        if (address.indexOf(':') >= 0) {
            String lower = address.toLowerCase();
            return lower.startsWith("fc") || lower.startsWith("fd") || lower.startsWith("fe80") || lower.equals("::1");
        }
        String[] octets = address.split("\\.");
        int a = Integer.parseInt(octets[0]);
        int b = Integer.parseInt(octets[1]);
        return a == 10 || a == 127 || a == 172 && b >= 16 && b <= 31 || a == 192 && b == 168
                || a == 169 && b == 254 || a == 100 && b >= 64 && b <= 127;
    }
}
