package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.config.Durations;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.detect.Detections;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.EventRouter;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Instance credentials used outside their instance (GuardDuty's InstanceCredentialExfiltration, without GuardDuty):
 * an EC2 instance's role session (CloudTrail: {@code AssumedRole}, ARN {@code .../assumed-role/<role>/i-0123...})
 * calling from a public address other than the instance's own, or through a VPC endpoint of another account, when
 * that address is not the account's shared egress. HIGH.
 *
 * <p>How AWS behaves: an instance calls AWS from its public IP, from its subnet's NAT gateway IP, or through VPC
 * endpoints (CloudTrail then records its private IP and {@code vpcEndpointId}). Calls AWS services make for it carry
 * a service name ({@code ec2.amazonaws.com}, {@code AWS Internal}) instead of an address. So: an instance's own address
 * is the earliest public address its credentials are used from since it last started or got an Elastic IP
 * ({@code StartInstances}, {@code RunInstances}, {@code AssociateAddress} reset it). Private addresses of the account's
 * own VPC endpoints are the instance's network and are not judged. Any other address is decided
 * {@code instance-credentials.confirm} (15 minutes) after it first appears: it is shared egress, not an alert, when it
 * is another instance's own address or {@code instance-credentials.shared-instances} (3) instances of the account
 * use it (a NAT gateway's new IP moves every instance behind it at once). Otherwise the credentials are in someone
 * else's hands.
 *
 * <p>Why: stealing an instance's role credentials (SSRF to the metadata service, a foothold on the host) and using
 * them from the attacker's machine is among the most common AWS intrusions (Stratus
 * ec2-steal-instance-credentials; Capital One 2019).
 *
 * <p>False positives: an instance whose credentials are copied to another machine on purpose (bad practice, still
 * worth knowing); an instance behind a NAT gateway whose IP changed while fewer than three instances called through
 * it; an instance whose first call after TrailWatch starts comes from elsewhere (then its real address alerts).
 *
 * <p>ATT&amp;CK: T1552.005 Cloud Instance Metadata API, T1078.004 Cloud Accounts.
 */
public final class InstanceCredentialExfiltrationDetector {

    public static final String ID = "instance-credential-exfiltration";
    private static final List<String> MITRE = List.of("T1552.005", "T1078.004");
    private static final String RUNBOOK = "Find the instance: was its role session used on purpose from this address?"
            + " If not: revoke the role's active sessions (IAM: Revoke active sessions, an aws:TokenIssueTime deny"
            + " policy), look for the foothold on the instance (SSRF to 169.254.169.254, a web shell, a process"
            + " reading the metadata service), enforce IMDSv2, and review everything the session did from the new"
            + " address.";
    private static final Set<String> RESETS = Set.of("StartInstances", "RunInstances", "AssociateAddress");

    private final Duration confirm;
    private final Duration retention;
    private final int shared;
    private final DetectionKit kit;

    InstanceCredentialExfiltrationDetector(DetectorConfig config, DetectionKit kit) {
        this.confirm = config.get(BurstSettings.INSTANCE_CREDENTIALS_CONFIRM);
        this.retention = config.get(BurstSettings.INSTANCE_CREDENTIALS_RETENTION);
        this.shared = config.get(BurstSettings.INSTANCE_CREDENTIALS_SHARED);
        this.kit = kit;
    }

    /**
     * The instance id a role session is named for ({@code .../assumed-role/role/i-0123...}), in lower case, or null.
     * Runs for every role session's call, so the session name is checked first, in place: nothing is allocated for
     * the others. EC2 writes ids in lower case; upper-case hex digits are read too (anonymised logs, such as Stratus
     * Red Team's recorded detonations, mix the case) and folded, so that both spellings are one instance.
     */
    static String instanceOf(String arn) {
        if (arn == null) {
            return null;
        }
        String id = instanceId(arn, arn.lastIndexOf('/') + 1);
        return id != null && arn.contains(":assumed-role/") ? id : null;
    }

    /** {@code i-} and 8 or 17 hex digits from {@code from} to the end of {@code text}, in lower case; else null. */
    static String instanceId(String text, int from) {
        int length = text.length() - from - 2;
        if ((length != 8 && length != 17) || !text.startsWith("i-", from)) {
            return null;
        }
        boolean upper = false;
        for (int i = from + 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'F') {
                upper = true;
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        String id = text.substring(from);
        return upper ? id.toLowerCase(Locale.ROOT) : id;
    }

    /**
     * The instance whose credentials made the call: the one CloudTrail says they were issued to ({@code
     * userIdentity.inScopeOf}, {@link InScopeOf}), whatever the session is called; else the one the session is named
     * for. Null for any other call.
     */
    static String instanceOfCaller(CloudTrailEvent event) {
        if (!"AssumedRole".equals(event.userIdentity().type())) {
            return null;
        }
        String issued = InScopeOf.instance(event);
        return issued != null ? issued : instanceOf(event.userIdentity().arn());
    }

    /** Typed fields only: an instance's credentials' own call, or an event that (re)starts instances. */
    static boolean isCandidate(CloudTrailEvent event) {
        if ("ec2.amazonaws.com".equals(event.eventSource()) && RESETS.contains(event.eventName())) {
            return event.errorCode() == null;
        }
        return "AssumedRole".equals(event.userIdentity().type()) && !event.isAwsServiceCall()
                && event.sourceIpAddress() != null && instanceOfCaller(event) != null;
    }

    static List<String> resets(CloudTrailEvent event) {
        if (!"ec2.amazonaws.com".equals(event.eventSource()) || !RESETS.contains(event.eventName())) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        switch (event.eventName()) {
            case "AssociateAddress" -> {
                JsonNode id = event.requestParameters().path("instanceId");
                if (id.isTextual()) {
                    ids.add(id.asText());
                }
            }
            case "RunInstances" -> event.responseElements().path("instancesSet").path("items")
                    .forEach(item -> ids.add(item.path("instanceId").asText()));
            default -> event.requestParameters().path("instancesSet").path("items")
                    .forEach(item -> ids.add(item.path("instanceId").asText()));
        }
        ids.removeIf(String::isBlank);
        ids.replaceAll(id -> id.toLowerCase(Locale.ROOT));
        return ids;
    }

    /**
     * Where the call came from, when it can tell the instance from someone else: a public IP address, or a VPC
     * endpoint owned by another account ({@code vpce-...@account}). Null for service names and for the private
     * addresses of the account's own endpoints.
     */
    static String origin(CloudTrailEvent event) {
        String ip = event.sourceIpAddress();
        if (!Addresses.isLiteral(ip)) {
            return null;
        }
        if (!Addresses.isPrivate(ip)) {
            return ip;
        }
        EndpointFields endpoint = EndpointFields.of(event);
        if (endpoint.id() != null && endpoint.account() != null
                && !endpoint.account().equals(event.recipientAccountId())
                && !endpoint.account().equals(event.userIdentity().accountId())) {
            return endpoint.id() + '@' + endpoint.account();
        }
        return null;
    }

    Detections detect(EventRouter events) {
        String name = ID + "-by-instance";
        return Bursts.split(events.process(name, InstanceCredentialExfiltrationDetector::isCandidate,
                new Supplier(name)), name);
    }

    private Alerts.Finding finding(String instance, Origin own, Origin other, OriginState address) {
        String principal = other.call().principal();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("instanceId", instance);
        evidence.put("instanceAddress", own.name());
        evidence.put("instanceAddressSince", Instant.ofEpochMilli(own.first()).toString());
        evidence.put("newAddress", other.name());
        evidence.put("otherInstancesUsingNewAddress", address == null ? 0
                : address.users().stream().filter(i -> !i.equals(instance)).count());
        evidence.put("firstCall", other.call().eventSource() + ':' + other.call().eventName());
        evidence.put("confirm", Durations.format(confirm));
        return new Alerts.Finding(ID, "Credentials of EC2 instance " + instance + " used from " + other.name(),
                principal + " (the role credentials of instance " + instance + ") called "
                        + other.call().eventName() + " from " + other.name() + " at "
                        + Instant.ofEpochMilli(other.first()) + "; the instance's own address is " + own.name()
                        + " and no other instance of the account uses " + other.name() + ".",
                Severity.HIGH, MITRE, RUNBOOK, evidence);
    }

    private final class Supplier implements ProcessorSupplier<String, CloudTrailEvent, String, BurstOutcome> {

        private final String name;

        Supplier(String name) {
            this.name = name;
        }

        @Override
        public Processor<String, CloudTrailEvent, String, BurstOutcome> get() {
            InstanceOriginProcessor.Policy policy = new InstanceOriginProcessor.Policy() {
                @Override
                public List<String> resets(CloudTrailEvent event) {
                    return InstanceCredentialExfiltrationDetector.resets(event);
                }

                @Override
                public String instance(CloudTrailEvent event) {
                    return instanceOfCaller(event);
                }

                @Override
                public String origin(CloudTrailEvent event) {
                    return InstanceCredentialExfiltrationDetector.origin(event);
                }

                @Override
                public Alerts.Finding finding(String instance, Origin own, Origin other, OriginState address) {
                    return InstanceCredentialExfiltrationDetector.this.finding(instance, own, other, address);
                }
            };
            return new InstanceOriginProcessor(name, ID, confirm.toMillis(), retention.toMillis(), shared, policy,
                    kit);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return BurstStores.named(name).builders();
        }
    }
}
