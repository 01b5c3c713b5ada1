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
        boolean hexLetter = false;
        int dots = 0;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c == '.') {
                dots++;
            } else if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
                hexLetter = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return colon || dots == 3 && !hexLetter;
    }

    static boolean isPrivate(String address) {
        if (address.indexOf(':') >= 0) {
            String lower = address.toLowerCase();
            return lower.startsWith("fc") || lower.startsWith("fd") || lower.startsWith("fe80") || lower.equals("::1");
        }
        int firstDot = address.indexOf('.');
        int a = octet(address, 0, firstDot);
        int b = octet(address, firstDot + 1, address.indexOf('.', firstDot + 1));
        return a == 10 || a == 127 || a == 172 && b >= 16 && b <= 31 || a == 192 && b == 168
                || a == 169 && b == 254 || a == 100 && b >= 64 && b <= 127;
    }

    /** The decimal number in {@code [from, to)}, or -1 when there is none (no dot, not digits). */
    private static int octet(String address, int from, int to) {
        if (to <= from || to - from > 3) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = address.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
