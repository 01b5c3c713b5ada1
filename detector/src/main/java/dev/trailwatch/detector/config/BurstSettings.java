package dev.trailwatch.detector.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the burst and correlation detections (thresholds, windows, grace). Zero and negative values are
 * refused at load.
 */
public final class BurstSettings {

    public static final ConfigKey<Duration> GRACE = ConfigKey.duration("burst.grace", "15m",
            "How long after a burst window ends (event time) its events are still accepted: CloudTrail delivers files"
                    + " about 5 minutes late and out of order. An event whose window ended more than the grace before"
                    + " stream time is late: counted in trailwatch_events_rejected_total{reason=\"late\"} and written"
                    + " to the dead-letter topic. A burst's last update is sent when its window plus grace has passed."
                    + " Bursts take the larger of this and reorder.horizon, so every record within the horizon counts.")
            .positive();
    public static final ConfigKey<Integer> FAILED_LOGIN_THRESHOLD = ConfigKey.integer(
            "burst.failed-login.threshold", "10",
            "Failed console logins from one source IP within burst.failed-login.window that make one HIGH"
                    + " failed-console-login-burst alert. The same count for one user name, from two or more source"
                    + " IPs, makes the per-user alert. Also what console-bruteforce-success calls a burst.").positive();
    public static final ConfigKey<Duration> FAILED_LOGIN_WINDOW = ConfigKey.duration(
            "burst.failed-login.window", "5m",
            "Length of the event-time windows, aligned to the epoch (UTC), in which burst.failed-login.threshold"
                    + " failed console logins must fall.").positive();
    public static final ConfigKey<Integer> PASSWORD_SPRAY_USERS = ConfigKey.integer(
            "burst.password-spray.users", "5",
            "Distinct user names (per account) that one source IP fails to log in as within"
                    + " burst.password-spray.window to make one HIGH console-password-spray alert.").positive();
    public static final ConfigKey<Duration> PASSWORD_SPRAY_WINDOW = ConfigKey.duration(
            "burst.password-spray.window", "10m",
            "Length of the event-time windows, aligned to the epoch (UTC), in which burst.password-spray.users"
                    + " distinct user names must be tried.").positive();
    public static final ConfigKey<Integer> ACCESS_DENIED_THRESHOLD = ConfigKey.integer(
            "burst.access-denied.threshold", "20",
            "AccessDenied* / *UnauthorizedOperation errors from one principal (or, spread over two or more"
                    + " principals, from one source IP) within burst.access-denied.window that make one MEDIUM"
                    + " access-denied-burst alert.").positive();
    public static final ConfigKey<Duration> ACCESS_DENIED_WINDOW = ConfigKey.duration(
            "burst.access-denied.window", "5m",
            "Length of the event-time windows, aligned to the epoch (UTC), in which"
                    + " burst.access-denied.threshold errors must fall.").positive();
    public static final ConfigKey<Duration> BRUTEFORCE_SUCCESS_WITHIN = ConfigKey.duration(
            "burst.bruteforce-success.within", "1h",
            "How long after a failed-login burst's window ends a successful console login from the same source IP"
                    + " still makes a CRITICAL console-bruteforce-success alert.").positive();

    public static final ConfigKey<Integer> CROSS_ACCOUNT_SPRAY_ACCOUNTS = ConfigKey.integer(
            "burst.cross-account-spray.accounts", "2",
            "Distinct accounts of the organization one source IP must fail console logins against, with at least"
                    + " burst.cross-account-spray.failures failures in all, within burst.cross-account-spray.window"
                    + " to make one HIGH console-cross-account-spray alert.").positive();
    public static final ConfigKey<Integer> CROSS_ACCOUNT_SPRAY_FAILURES = ConfigKey.integer(
            "burst.cross-account-spray.failures", "4",
            "Failed console logins (over all the accounts) that a cross-account spray must hold: one typo in each of"
                    + " two accounts is not an attack.").positive();
    public static final ConfigKey<Duration> CROSS_ACCOUNT_SPRAY_WINDOW = ConfigKey.duration(
            "burst.cross-account-spray.window", "30m",
            "Length of the event-time windows, aligned to the epoch (UTC), in which a cross-account spray's"
                    + " failures must fall.").positive();
    public static final ConfigKey<Integer> HARVEST_RESOURCES = ConfigKey.integer("burst.harvest.resources", "11",
            "Distinct secrets, SecureString parameters or instances (user data, Windows password data) one principal"
                    + " must read, allowed or denied, in two or more calls within burst.harvest.window to make one"
                    + " MEDIUM credential-harvesting-burst alert. Every name of a GetParameters call counts; the"
                    + " default is one more than such a call can name (10), so one batch read again and again is"
                    + " never a burst (10 or less makes it one).").positive();
    public static final ConfigKey<Duration> HARVEST_WINDOW = ConfigKey.duration("burst.harvest.window", "10m",
            "Length of the event-time windows, aligned to the epoch (UTC), in which burst.harvest.resources distinct"
                    + " reads must fall.").positive();

    /**
     * Which read calls discovery-burst counts. {@code refused} (the default) costs next to nothing on ordinary traffic
     * and catches credentials probed for what they reach (Stratus ec2-enumerate-from-instance's role is refused nearly
     * every call); {@code all} adds every principal's allowed calls: the LOW sweep of a person or tool with broad read
     * rights, and an EC2 instance's role session surveying with the rights it has (MEDIUM), at the cost
     * docs/performance.md measures.
     */
    public enum DiscoveryScope {
        /** The calls AWS refused to a program (not a browser), of every principal. */
        REFUSED,
        /** Every principal's List/Describe/Get calls outside the console, allowed or refused. */
        ALL,
        /** discovery-burst does not run. */
        OFF;

        static DiscoveryScope parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "refused" -> REFUSED;
                case "all" -> ALL;
                case "off" -> OFF;
                default -> throw new IllegalArgumentException("expected refused, all or off");
            };
        }

        /** As the config file spells it. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final ConfigKey<DiscoveryScope> DISCOVERY_SCOPE = new ConfigKey<>("burst.discovery.scope",
            "refused",
            "Which List*/Describe*/Get* calls discovery-burst counts. refused: the calls AWS refused to a program (not"
                    + " a browser), of every principal, so a sweep is burst.discovery.calls distinct refused calls:"
                    + " stolen credentials probing what they reach (Stratus ec2-enumerate-from-instance), MEDIUM, at"
                    + " next to no cost on ordinary traffic. all: every principal's calls, allowed too, which adds a"
                    + " LOW alert on a person or tool with broad read rights sweeping many services and a MEDIUM one"
                    + " on an EC2 instance's role session sweeping with the rights it has (node and agent roles that"
                    + " read many services do too: tune them out); it looks at most of CloudTrail and keeps every"
                    + " principal's calls of the last 20 minutes on the heap (1-2 KB per principal), about a quarter"
                    + " of the stream thread's work on trailwatch bench traffic (docs/performance.md): check trailwatch"
                    + " bench --detector-config burst.discovery.scope=all or your lag metrics first. off: not run.",
            DiscoveryScope::parse);
    /** The setting before {@link #DISCOVERY_SCOPE}: still read, and when given it decides. */
    public static final ConfigKey<Optional<Boolean>> DISCOVERY_ENABLED = new ConfigKey<>("burst.discovery.enabled",
            "",
            "Deprecated: use burst.discovery.scope. When set, true means burst.discovery.scope=all and false means"
                    + " off (as before burst.discovery.scope existed); setting both is an error at start.",
            BurstSettings::optionalBoolean);
    public static final ConfigKey<Integer> DISCOVERY_CALLS = ConfigKey.integer("burst.discovery.calls", "8",
            "Distinct List*/Describe*/Get* APIs (event source + event name) one principal must call within"
                    + " burst.discovery.window, across at least burst.discovery.services services, to make one"
                    + " discovery-burst alert: the calls burst.discovery.scope counts (by default the refused ones;"
                    + " with all, allowed or refused).").positive();
    public static final ConfigKey<Integer> DISCOVERY_SERVICES = ConfigKey.integer("burst.discovery.services", "4",
            "Distinct services (event sources) a discovery burst must span: one application reading its own"
                    + " service's resources is not enumeration.").positive();
    public static final ConfigKey<Integer> DISCOVERY_DENIED = ConfigKey.integer("burst.discovery.denied", "3",
            "With burst.discovery.scope=all: distinct APIs denied to a program (not a browser: console pages call"
                    + " what they can) within a discovery burst that raise it from LOW to MEDIUM (a burst by an EC2"
                    + " instance's role session is MEDIUM anyway; with the default scope every counted call was"
                    + " refused, so every burst is MEDIUM).").positive();
    public static final ConfigKey<Duration> DISCOVERY_WINDOW = ConfigKey.duration("burst.discovery.window", "10m",
            "Event-time span of a discovery burst, counted in aligned half-window buckets: calls within half the"
                    + " window always fall into one bucket pair; calls spread over the whole window do when they fall"
                    + " into two adjacent buckets.").positive();

    public static final ConfigKey<Duration> INSTANCE_CREDENTIALS_CONFIRM = ConfigKey.duration(
            "instance-credentials.confirm", "15m",
            "How long (event time) after an EC2 instance's role credentials first appear from a second address the"
                    + " instance-credential-exfiltration decision waits: other instances' calls from the same address"
                    + " within it (a NAT gateway's new IP) make it the account's egress, not an alert; events"
                    + " reordered within it give the same answer. The alert goes out this much after the call.")
            .positive();
    public static final ConfigKey<Integer> INSTANCE_CREDENTIALS_SHARED = ConfigKey.integer(
            "instance-credentials.shared-instances", "3",
            "Distinct instances whose role sessions call from one address that make it the account's egress (a"
                    + " NAT gateway), so that none of them alerts for it. An address that is another instance's first"
                    + " address is egress already.").positive();
    public static final ConfigKey<Duration> INSTANCE_CREDENTIALS_RETENTION = ConfigKey.duration(
            "instance-credentials.retention", "7d",
            "How long an instance's learned addresses are kept after its last new one; an instance silent longer"
                    + " learns its address again.").positive();

    public static final ConfigKey<Duration> WORKLOAD_CREDENTIALS_CONFIRM = ConfigKey.duration(
            "workload-credentials.confirm", "15m",
            "How long (event time) after a Lambda function's or ECS task's role session is first used from an"
                    + " address outside AWS the workload-credential-exfiltration decision waits (at least the reorder"
                    + " horizon): the AssumeRole that issued the session, and the session's other calls, may arrive"
                    + " later within it. The alert goes out this much after the call.").positive();
    public static final ConfigKey<String> WORKLOAD_CREDENTIALS_AWS_ASNS = ConfigKey.text(
            "workload-credentials.aws-asns",
            "16509,14618,8987,9059,7224,38895,62785,135630,214101,801,21664,36263,400098,401395",
            "With geoip.asn-db set: the autonomous systems (numbers, comma-separated) workload-credential-exfiltration"
                    + " takes for AWS's own network. A Lambda function's or ECS task's session used from an address"
                    + " in any other known autonomous system is used outside AWS. The default lists Amazon's.");

    public static final ConfigKey<Integer> S3_DELETION_OBJECTS = ConfigKey.integer("burst.s3-deletion.objects", "20",
            "Distinct S3 objects (or object versions) one principal must delete with DeleteObject, allowed or denied,"
                    + " within burst.s3-deletion.window to make one s3-mass-deletion alert: MEDIUM, HIGH when versions"
                    + " were deleted for good (versionId given).").positive();
    public static final ConfigKey<Duration> S3_DELETION_WINDOW = ConfigKey.duration("burst.s3-deletion.window", "10m",
            "Length of the event-time windows (aligned to the epoch, UTC) of an S3 mass deletion, and in which a ListObjectVersions and a DeleteObjects on one"
                    + " bucket by one principal make one MEDIUM s3-mass-deletion alert (a versioned bucket wiped in"
                    + " batches).").positive();

    public static final ConfigKey<Integer> BEDROCK_SWEEP_THRESHOLD = ConfigKey.integer(
            "burst.bedrock-sweep.threshold", "3",
            "Distinct regions in which one principal, from one source IP, must call Bedrock models (InvokeModel,"
                    + " InvokeModelWithResponseStream, Converse, ConverseStream, ListFoundationModels, GetFoundationModel,"
                    + " GetFoundationModelAvailability; allowed, failing validation or refused) within"
                    + " burst.bedrock-sweep.window to make one MEDIUM bedrock-region-sweep alert.").positive();
    public static final ConfigKey<Duration> BEDROCK_SWEEP_WINDOW = ConfigKey.duration("burst.bedrock-sweep.window",
            "10m",
            "Length of the event-time windows, aligned to the epoch (UTC), in which burst.bedrock-sweep.threshold"
                    + " regions must be reached.").positive();

    public static final ConfigKey<Integer> SES_ENUMERATION_CALLS = ConfigKey.integer(
            "burst.ses-enumeration.calls", "3",
            "Distinct Amazon SES reads of sending capacity, sending status or identities (GetSendQuota,"
                    + " GetSendStatistics, GetAccountSendingEnabled, ListIdentities, ListVerifiedEmailAddresses,"
                    + " GetIdentityVerificationAttributes, GetAccount, ListEmailIdentities, GetEmailIdentity; allowed or"
                    + " refused, not from a console session) one principal must make within"
                    + " burst.ses-enumeration.window to make one LOW ses-enumeration alert.").positive();
    public static final ConfigKey<Duration> SES_ENUMERATION_WINDOW = ConfigKey.duration(
            "burst.ses-enumeration.window", "10m",
            "Length of the event-time windows, aligned to the epoch (UTC), in which burst.ses-enumeration.calls"
                    + " distinct SES reads must be made.").positive();

    public static final List<ConfigKey<?>> ALL = List.of(GRACE, FAILED_LOGIN_THRESHOLD, FAILED_LOGIN_WINDOW,
            PASSWORD_SPRAY_USERS, PASSWORD_SPRAY_WINDOW, ACCESS_DENIED_THRESHOLD, ACCESS_DENIED_WINDOW,
            BRUTEFORCE_SUCCESS_WITHIN, CROSS_ACCOUNT_SPRAY_ACCOUNTS, CROSS_ACCOUNT_SPRAY_FAILURES,
            CROSS_ACCOUNT_SPRAY_WINDOW, HARVEST_RESOURCES, HARVEST_WINDOW, DISCOVERY_SCOPE, DISCOVERY_ENABLED, DISCOVERY_CALLS, DISCOVERY_SERVICES,
            DISCOVERY_DENIED, DISCOVERY_WINDOW, INSTANCE_CREDENTIALS_CONFIRM, INSTANCE_CREDENTIALS_SHARED,
            INSTANCE_CREDENTIALS_RETENTION, WORKLOAD_CREDENTIALS_CONFIRM,
            WORKLOAD_CREDENTIALS_AWS_ASNS, S3_DELETION_OBJECTS, S3_DELETION_WINDOW, BEDROCK_SWEEP_THRESHOLD,
            BEDROCK_SWEEP_WINDOW, SES_ENUMERATION_CALLS, SES_ENUMERATION_WINDOW);

    /**
     * Which calls discovery-burst counts: {@link #DISCOVERY_SCOPE}, unless the deprecated {@link #DISCOVERY_ENABLED}
     * is given (true: {@code all}, false: {@code off}); both given is an error, so that a leftover of one never
     * silently overrides the other.
     */
    public static DiscoveryScope discoveryScope(DetectorConfig config) {
        if (config.get(DISCOVERY_ENABLED).isPresent() && config.asMap().containsKey(DISCOVERY_SCOPE.name())) {
            throw new ConfigException(DISCOVERY_ENABLED.name() + " (deprecated) and " + DISCOVERY_SCOPE.name()
                    + " are both set (in the config file, the environment or -D options): keep only "
                    + DISCOVERY_SCOPE.name() + " (true was all, false was off); an empty value unsets the old one");
        }
        return config.get(DISCOVERY_ENABLED)
                .map(enabled -> enabled ? DiscoveryScope.ALL : DiscoveryScope.OFF)
                .orElseGet(() -> config.get(DISCOVERY_SCOPE));
    }

    /** Empty for an empty value (not given), else {@link ConfigKey#bool}'s strict {@code true} or {@code false}. */
    static Optional<Boolean> optionalBoolean(String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(ConfigKey.strictBoolean(text));
    }

    private BurstSettings() {
    }
}
