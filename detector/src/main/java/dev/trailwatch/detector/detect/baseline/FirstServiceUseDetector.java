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
 * First use of a service ({@code eventSource}) in an account ({@code LOW}, ATT&amp;CK T1078.004 Valid Accounts: Cloud
 * Accounts; T1526 Cloud Service Discovery when the call only reads).
 *
 * <p><b>What:</b> after the learning period ({@code baseline.learning-period}, 7 days of event time from the
 * account's first counted call), the first call to a service the account has not used within {@code baseline.ttl}
 * (90 days) alerts once; the evidence lists the services the account does use. What counts as use is
 * {@link UsePolicy}'s (no AWS-service calls, no denied calls); unlike regions, global services count.
 *
 * <p><b>Why:</b> stolen credentials are used for what the account never does: enumerating Secrets Manager, starting
 * SageMaker or GPU instances, reading Bedrock models, creating IAM Identity Center users.
 *
 * <p><b>False positives:</b> new projects and newly launched AWS services; a console page that calls services
 * the user never opened before; an account idle longer than the TTL. One alert per service, so an admin trying
 * five new services makes five LOW alerts.
 *
 * <p>State: shares {@link FirstUseBaseline}'s store entry per account with {@link FirstRegionUseDetector}.
 */
public final class FirstServiceUseDetector {

    public static final String ID = "first-service-use";
    static final List<String> MITRE = List.of("T1078.004");

    private FirstServiceUseDetector() {
    }

    /** This detection's alerts from the family's first uses ({@link FirstUseBaseline#firstUses}). */
    static KStream<String, Alert> alerts(KStream<String, FirstUse> firstUses, SeverityFilter severity) {
        return FirstUseBaseline.alertsOf(ID, firstUses, FirstUse.Kind.SERVICE, use -> finding(use.event(), use.known(), use.since()), severity);
    }

    static Alerts.Finding finding(CloudTrailEvent event, SortedSet<String> known, long since) {
        String account = event.recipientAccountId();
        String service = event.eventSource();
        String title = "First use of " + service + " in account " + account;
        String description = event.principal() + " called " + service + " " + event.eventName() + " in "
                + event.awsRegion() + ", a service account " + account + " has not used since its baseline began on "
                + Instant.ofEpochMilli(since) + ".";
        String runbook = "Ask the owner of " + event.principal() + " whether it is meant to use " + service
                + ". If not, review the principal's other calls around this time, what it read or created in "
                + service + ", and rotate its credentials.";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("newService", service);
        evidence.put("knownServices", List.copyOf(known));
        evidence.put("baselineSince", Instant.ofEpochMilli(since).toString());
        return new Alerts.Finding(ID, title, description, Severity.LOW, MITRE, runbook, evidence);
    }
}
