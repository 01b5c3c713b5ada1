package dev.trailwatch.detector.tuning;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

/** Source addresses and CIDR blocks through seancfoley's IPAddress library (no hand-written address arithmetic). */
final class Addresses {

    private Addresses() {
    }

    /** An IPv4 or IPv6 address as CloudTrail writes {@code sourceIPAddress}; null for a service name or garbage. */
    static IPAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return new IPAddressString(text).getAddress();
    }

    /**
     * A CIDR block from an exception file ({@code 203.0.113.0/24}, {@code 2001:db8::/32}, or one address); null when
     * the text is neither. Host bits are dropped: {@code 10.1.2.3/8} is {@code 10.0.0.0/8}.
     */
    static IPAddress block(String text) {
        IPAddress address = new IPAddressString(text.trim()).getAddress();
        if (address == null) {
            return null;
        }
        return address.getNetworkPrefixLength() == null ? address : address.toPrefixBlock();
    }
}
