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
 * use it (a NAT gateway's new IP moves every instance behind it at once), counting only instances established there
 * by the decision's own event time. Otherwise the credentials are in someone else's hands.
 *
 * <p>A call that reaches into an instance ({@link #isCommand}: SSM {@code SendCommand}, {@code StartSession}, EC2
 * Instance Connect), from an address, by anyone but the instance itself, makes the instance's first use of that
 * address within {@code instance-credentials.confirm} after it suspect: the credentials were fetched through the call
 * and used where it was sent from (Stratus ec2-steal-instance-credentials, whose recorded log holds none of the
 * instance's own calls). Such an address is never the instance's own, and only instances that used it before the
 * command make it shared egress. An instance that used the address before the command (its SSM agent registering
 * through the NAT the command also came from) keeps it as its own.
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
    /**
     * Calls that reach into an instance, by event source: run a command on it, open a shell on it, push an SSH key
     * to it or to its serial console. Each lets the caller read the instance's role credentials from its metadata
     * service (Stratus Red Team's ec2-steal-instance-credentials sends an {@code AWS-RunShellScript} command).
     */
    private static final Map<String, Set<String>> REACH = Map.of(
            "ssm.amazonaws.com", Set.of("SendCommand", "StartSession"),
            "ec2-instance-connect.amazonaws.com", Set.of("SendSSHPublicKey", "SendSerialConsoleSSHPublicKey"));
    /** The most instance ids read from one command: a command naming more is administration, not a theft. */
    static final int MAX_NAMED = 32;

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
     * Runs for every role session's call, so the session name is checked first, in place, from the ARN's end (an id
     * is its last 10 or 19 characters, after a {@code /}): nothing is scanned or allocated for the others. EC2 writes
     * ids in lower case; upper-case hex digits are read too (anonymised logs, such as Stratus Red Team's recorded
     * detonations, mix the case) and folded, so that both spellings are one instance.
     */
    static String instanceOf(String arn) {
        if (arn == null) {
            return null;
        }
        int n = arn.length();
        int from = n > 10 && arn.charAt(n - 11) == '/' ? n - 10 : n > 19 && arn.charAt(n - 20) == '/' ? n - 19 : -1;
        String id = from < 0 ? null : instanceId(arn, from);
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

    /**
     * Typed fields only: an instance's credentials' own call, an event that (re)starts instances, or a call that
     * reaches into instances ({@link #isCommand}).
     */
    static boolean isCandidate(CloudTrailEvent event) {
        if ("ec2.amazonaws.com".equals(event.eventSource()) && RESETS.contains(event.eventName())) {
            return event.errorCode() == null;
        }
        if (isCommand(event)) {
            return true;
        }
        return "AssumedRole".equals(event.userIdentity().type()) && !event.isAwsServiceCall()
                && event.sourceIpAddress() != null && instanceOfCaller(event) != null;
    }

    /**
     * Typed fields only: a successful call from an address that reaches into instances (SSM {@code SendCommand} and
     * {@code StartSession}, EC2 Instance Connect's {@code SendSSHPublicKey} and {@code
     * SendSerialConsoleSSHPublicKey}). Calls AWS services make (maintenance windows without a role of their own) carry
     * no address and are left out.
     */
    static boolean isCommand(CloudTrailEvent event) {
        Set<String> names = REACH.get(event.eventSource());
        return names != null && names.contains(event.eventName()) && event.errorCode() == null
                && !event.isAwsServiceCall() && event.sourceIpAddress() != null;
    }

    /**
     * The instances a command ({@link #isCommand}) names, read from its request parameters, in lower case, at most
     * {@value #MAX_NAMED}: {@code SendCommand}'s {@code instanceIds} and its {@code targets} with key {@code
     * InstanceIds} (targets by tag or resource group name no instance: nothing), {@code StartSession}'s {@code
     * target}, EC2 Instance Connect's {@code instanceId}. The caller's own instance is left out (an instance sending
     * itself a command tells nothing about its credentials). Empty for any other call; its parameters are not read.
     */
    static List<String> commanded(CloudTrailEvent event) {
        if (!isCommand(event)) {
            return List.of();
        }
        JsonNode request = event.requestParameters();
        List<String> ids = new ArrayList<>();
        switch (event.eventName()) {
            case "SendCommand" -> {
                request.path("instanceIds").forEach(id -> named(id, ids));
                for (JsonNode target : request.path("targets")) {
                    JsonNode key = target.has("key") ? target.path("key") : target.path("Key");
                    if ("InstanceIds".equals(key.asText())) {
                        (target.has("values") ? target.path("values") : target.path("Values"))
                                .forEach(id -> named(id, ids));
                    }
                }
            }
            case "StartSession" -> named(request.path("target"), ids);
            default -> named(request.path("instanceId"), ids);
        }
        String caller = instanceOfCaller(event);
        if (caller != null) {
            ids.remove(caller);
        }
        return ids;
    }

    private static void named(JsonNode node, List<String> ids) {
        String id = node.isTextual() ? instanceId(node.asText(), 0) : null;
        if (id != null && !ids.contains(id) && ids.size() < MAX_NAMED) {
            ids.add(id);
        }
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
        if ("StartInstances".equals(event.eventName())) {
            ids.removeAll(alreadyRunning(event));
        }
        return ids;
    }

    /**
     * The instances a StartInstances found running already ({@code responseElements.instancesSet.items[]
     * .previousState.name}): nothing restarted, the address stays, and what its credentials did before still counts.
     * An instance the response does not list is taken as started.
     */
    private static List<String> alreadyRunning(CloudTrailEvent event) {
        List<String> running = new ArrayList<>();
        event.responseElements().path("instancesSet").path("items").forEach(item -> {
            if ("running".equals(item.path("previousState").path("name").asText())
                    && item.path("instanceId").isTextual()) {
                running.add(item.path("instanceId").asText().toLowerCase(Locale.ROOT));
            }
        });
        return running;
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

    private Alerts.Finding finding(String instance, Origin own, Origin other, OriginState address, Origin command) {
        String principal = other.call().principal();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("instanceId", instance);
        if (own != null) {
            evidence.put("instanceAddress", own.name());
            evidence.put("instanceAddressSince", Instant.ofEpochMilli(own.first()).toString());
        }
        evidence.put("newAddress", other.name());
        if (command != null) {
            evidence.put("commandEventId", command.eventId());
            evidence.put("commandBy", command.call().principal());
            evidence.put("commandCall", command.call().eventSource() + ':' + command.call().eventName());
            evidence.put("commandAt", Instant.ofEpochMilli(command.first()).toString());
        }
        // counted as the decision counted them: established by its own event time (before the command, if any)
        long wait = Math.max(confirm.toMillis(), kit.watermark().horizon());
        evidence.put("otherInstancesUsingNewAddress", address == null ? 0
                : InstanceCredentialFacts.established(address, instance, other.first() + wait,
                command == null ? Long.MAX_VALUE : command.first(), wait).size());
        evidence.put("firstCall", other.call().eventSource() + ':' + other.call().eventName());
        evidence.put("confirm", Durations.format(confirm));
        String why;
        if (command != null) {
            why = ", its first call from there, " + Durations.format(Duration.ofMillis(other.first() - command.first()))
                    + " after " + command.call().principal() + " called " + command.call().eventName() + " on the"
                    + " instance from the same address (event " + command.eventId() + "): credentials fetched"
                    + " through that call and used where it was sent from"
                    + (own != null ? "; the instance's own address is " + own.name() + "." : ".");
        } else {
            why = "; the instance's own address is " + own.name() + " and no other instance of the account uses "
                    + other.name() + ".";
        }
        return new Alerts.Finding(ID, "Credentials of EC2 instance " + instance + " used from " + other.name(),
                principal + " (the role credentials of instance " + instance + ") called "
                        + other.call().eventName() + " from " + other.name() + " at "
                        + Instant.ofEpochMilli(other.first()) + why,
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
                public List<String> commanded(CloudTrailEvent event) {
                    return InstanceCredentialExfiltrationDetector.commanded(event);
                }

                @Override
                public Alerts.Finding finding(String instance, Origin own, Origin other, OriginState address,
                                              Origin command) {
                    return InstanceCredentialExfiltrationDetector.this.finding(instance, own, other, address,
                            command);
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
