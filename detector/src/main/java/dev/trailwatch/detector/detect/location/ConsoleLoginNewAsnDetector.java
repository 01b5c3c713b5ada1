package dev.trailwatch.detector.detect.location;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.IpLocation;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Console sign-in from a network (autonomous system) the user has not signed in from, in a country they do sign in
 * from ({@code LOW}, ATT&amp;CK T1078.004 Valid Accounts: Cloud Accounts).
 *
 * <p><b>What:</b> after the user's learning period ({@code login-location.learning-period}), a successful
 * {@code ConsoleLogin} from an ASN (per {@code geoip.asn-db}) the user has not signed in from within
 * {@code login-location.ttl} alerts once. When the country is new too, console-login-new-country alerts instead
 * (naming the network), not both.
 *
 * <p><b>Why:</b> attackers sign in from hosting providers and anonymising VPNs (a cloud provider's or VPN
 * operator's ASN) rather than the user's ISP or office; same country, different network.
 *
 * <p><b>False positives:</b> a new home ISP, mobile tethering, a new VPN provider or office; LOW for that reason.
 *
 * <p>State: shares {@link LoginLocationFamily}'s baseline per user with {@link ConsoleLoginNewCountryDetector}.
 */
public final class ConsoleLoginNewAsnDetector {

    public static final String ID = "console-login-new-asn";
    static final List<String> MITRE = List.of("T1078.004");

    private ConsoleLoginNewAsnDetector() {
    }

    static Alerts.Finding finding(CloudTrailEvent event, IpLocation location, SortedSet<String> known, long since) {
        String who = event.principal();
        String network = "AS" + location.asn()
                + (location.asOrganization() == null ? "" : " (" + location.asOrganization() + ")");
        String title = "Console sign-in from new network " + network + " by " + who;
        String description = who + " signed in to the console of account " + event.recipientAccountId() + " from "
                + event.sourceIpAddress() + " in network " + network
                + (location.country() == null ? "" : ", " + location.country())
                + ", a network this user has not signed in from since " + Instant.ofEpochMilli(since)
                + " (networks in use: " + (known.isEmpty() ? "none" : "AS" + String.join(", AS", known)) + ").";
        String runbook = "Check whether " + network + " is the user's ISP, office, mobile carrier or VPN. A hosting "
                + "provider or anonymising VPN the user does not use suggests stolen credentials: confirm with the "
                + "user, and if in doubt end their sessions, reset the password and MFA device, and review what the "
                + "session did.";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("newAsn", location.asn());
        if (location.asOrganization() != null) {
            evidence.put("asOrganization", location.asOrganization());
        }
        evidence.put("knownAsns", known.stream().map(Long::valueOf).sorted().toList());
        if (location.country() != null) {
            evidence.put("country", location.country());
        }
        evidence.put("baselineSince", Instant.ofEpochMilli(since).toString());
        return new Alerts.Finding(ID, title, description, Severity.LOW, MITRE, runbook, evidence);
    }
}
