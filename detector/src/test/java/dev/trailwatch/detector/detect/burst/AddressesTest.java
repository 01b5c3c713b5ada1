package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-event address tests the instance and workload credential detections route by. */
class AddressesTest {

    @Test
    void anIpLiteralIsFourDecimalOctetsOrAnIpv6Address() {
        assertThat(Addresses.isLiteral("203.0.113.7")).isTrue();
        assertThat(Addresses.isLiteral("2001:db8::1")).isTrue();
        assertThat(Addresses.isLiteral("::ffff:203.0.113.7")).isTrue();
        assertThat(Addresses.isLiteral("ec2.amazonaws.com")).isFalse();
        assertThat(Addresses.isLiteral("AWS Internal")).isFalse();
        assertThat(Addresses.isLiteral("1.2.3")).isFalse();
        assertThat(Addresses.isLiteral("1a.2.3.4")).as("hex digits are IPv6's only").isFalse();
        assertThat(Addresses.isLiteral("")).isFalse();
        assertThat(Addresses.isLiteral(null)).isFalse();
    }

    @Test
    void privateRangesAreRfc1918SharedLoopbackLinkLocalAndIpv6Local() {
        for (String ip : new String[] {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.9.9", "192.168.1.1",
                "127.0.0.1", "169.254.169.254", "100.64.0.1", "100.127.1.1", "fd00::1", "FC00::1", "fe80::1", "::1"}) {
            assertThat(Addresses.isPrivate(ip)).as(ip).isTrue();
        }
        for (String ip : new String[] {"203.0.113.7", "172.15.0.1", "172.32.1.1", "192.169.1.1", "100.63.0.1",
                "100.128.0.1", "11.0.0.1", "1.10.0.1", "2001:db8::1"}) {
            assertThat(Addresses.isPrivate(ip)).as(ip).isFalse();
        }
    }
}
