package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.streams.kstream.KStream;

/**
 * First use of a region in an account ({@code MEDIUM}, ATT&amp;CK T1535 Unused/Unsupported Cloud Regions).
 *
 * <p><b>What:</b> after a learning period ({@code baseline.learning-period}, 7 days of event time from the account's
 * first counted call), the first call made in a region the account has not used within {@code baseline.ttl} (90
 * days) alerts once; the evidence lists the regions the account does use. What counts as use is {@link UsePolicy}'s:
 * calls by people and workloads, not by AWS services on their behalf, not denied ones, and never a global service's
 * (IAM, STS, Organizations, ... log us-east-1 wherever they are called from), so us-east-1 is learned from regional
 * services only.
 *
 * <p><b>Why:</b> attackers with stolen credentials start instances (crypto-mining) or stage data in regions nobody
 * watches, where no GuardDuty detector or alarm is set up.
 *
 * <p><b>False positives:</b> a team expanding to a new region; console global views and multi-region scanners
 * (Prowler, Steampipe, AWS Config aggregators running as a role) that call every region, each region alerting once
 * ({@code baseline.count-read-only=false} mutes read-only sweeps); an account idle longer than the TTL.
 *
 * <p>State: shares {@link FirstUseBaseline}'s one store entry per account with {@link FirstServiceUseDetector}; no
 * suppression is needed, as an (account, region) pair alerts once by construction. The alert id is derived from
 * rule + account + region + event time, so a replay re-emits the same id.
 */
public final class FirstRegionUseDetector {

    public static final String ID = "first-region-use";
    static final List<String> MITRE = List.of("T1535");

    private FirstRegionUseDetector() {
    }

    /** This detection's alerts from the family's first uses ({@link FirstUseBaseline#firstUses}). */
    static KStream<String, Alert> alerts(KStream<String, FirstUse> firstUses, SeverityFilter severity) {
        return FirstUseBaseline.alertsOf(ID, firstUses, FirstUse.Kind.REGION, use -> finding(use.event(), use.what(), use.known(), use.since()), severity);
    }

    static Alerts.Finding finding(CloudTrailEvent event, String region, SortedSet<String> known, long since) {
        String account = event.recipientAccountId();
        String title = "First use of region " + region + " in account " + account;
        String description = event.principal() + " called " + event.eventSource() + " " + event.eventName() + " in "
                + region + ", a region account " + account + " has not used since its baseline began on "
                + Instant.ofEpochMilli(since) + " (regions in use: " + String.join(", ", known) + ").";
        String runbook = "Ask the account owner whether " + region + " is meant to be used. If not, list what the "
                + "principal did and created there (its CloudTrail events in that region), stop and snapshot those "
                + "resources, rotate the principal's credentials, and deny unused regions with an SCP on "
                + "aws:RequestedRegion.";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("newRegion", region);
        evidence.put("knownRegions", List.copyOf(known));
        evidence.put("baselineSince", Instant.ofEpochMilli(since).toString());
        return new Alerts.Finding(ID, title, description, Severity.MEDIUM, MITRE, runbook, evidence);
    }
}
