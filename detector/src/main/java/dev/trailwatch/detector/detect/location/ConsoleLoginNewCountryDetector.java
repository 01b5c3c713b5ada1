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
 * Console sign-in from a country the user has not signed in from ({@code MEDIUM}, ATT&amp;CK T1078.004 Valid
 * Accounts: Cloud Accounts).
 *
 * <p><b>What:</b> after a learning period per user ({@code login-location.learning-period}, 14 days of event time from
 * the user's first successful console login seen), a successful {@code ConsoleLogin} whose source IP lies in a country
 * (per {@code geoip.country-db}) the user has not signed in from within {@code login-location.ttl} (90 days) alerts
 * once. The evidence lists the countries the user does sign in from, and the network (ASN) when an ASN database is set.
 *
 * <p><b>Why:</b> a console session from a new country is how stolen passwords, phished sessions and leaked federation
 * links show up; unlike API keys, console access is almost always a person at a familiar place.
 *
 * <p><b>False positives:</b> travel; VPNs and corporate proxies whose exit moves between countries; a GeoIP database
 * that places a range wrongly (the whois-based CC0 databases are coarser than commercial ones). A user first seen
 * after the deployment learns silently for the learning period.
 *
 * <p>State: {@link LoginLocationFamily}'s baseline per user, shared with {@link ConsoleLoginNewAsnDetector}. The
 * alert id is rule + user + country + the first sign-in's event time; the alert waits out the reorder horizon so that
 * it is about the earliest sign-in from the country whatever the arrival order.
 */
public final class ConsoleLoginNewCountryDetector {

    public static final String ID = "console-login-new-country";
    static final List<String> MITRE = List.of("T1078.004");

    private ConsoleLoginNewCountryDetector() {
    }

    static Alerts.Finding finding(CloudTrailEvent event, IpLocation location, SortedSet<String> known, long since) {
        String who = event.principal();
        String country = location.country();
        String title = "Console sign-in from new country " + country + " by " + who;
        String description = who + " signed in to the console of account " + event.recipientAccountId() + " from "
                + event.sourceIpAddress() + " in " + country + network(location) + ", a country this user has not "
                + "signed in from since " + Instant.ofEpochMilli(since) + " (countries in use: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + ").";
        String runbook = "Ask the user whether they signed in from " + country + " at this time (travel, a VPN). If "
                + "not: end the user's console sessions (revoke role sessions, disable the login profile), reset the "
                + "password and MFA device, and review what the session did after sign-in (the user's events from "
                + event.sourceIpAddress() + ").";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("newCountry", country);
        evidence.put("knownCountries", List.copyOf(known));
        if (location.asn() != null) {
            evidence.put("asn", location.asn());
        }
        if (location.asOrganization() != null) {
            evidence.put("asOrganization", location.asOrganization());
        }
        evidence.put("baselineSince", Instant.ofEpochMilli(since).toString());
        return new Alerts.Finding(ID, title, description, Severity.MEDIUM, MITRE, runbook, evidence);
    }

    static String network(IpLocation location) {
        if (location.asn() == null) {
            return "";
        }
        return " (AS" + location.asn() + (location.asOrganization() == null ? "" : " " + location.asOrganization())
                + ")";
    }
}
