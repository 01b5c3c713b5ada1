package dev.trailwatch.detector.config;

import java.time.Duration;
import java.util.List;

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

    public static final ConfigKey<Boolean> DISCOVERY_ENABLED = ConfigKey.bool("burst.discovery.enabled", "false",
            "Run discovery-burst. Off by default because of its cost: it looks at every List/Describe/Get call a"
                    + " principal makes outside the console (most of CloudTrail) and keeps every principal's calls of"
                    + " the last 20 minutes on the heap (1-2 KB per principal; the store gets one entry per 5-minute"
                    + " bucket at each commit). On trailwatch bench traffic it is about a sixth of the stream thread's"
                    + " work (see docs/performance.md). Turn it on after checking trailwatch bench --detector-config"
                    + " burst.discovery.enabled=true or your lag metrics.");
    public static final ConfigKey<Integer> DISCOVERY_CALLS = ConfigKey.integer("burst.discovery.calls", "8",
            "Distinct List*/Describe*/Get* APIs (event source + event name, allowed or denied) one principal must call"
                    + " within burst.discovery.window, across at least burst.discovery.services services, to make one"
                    + " discovery-burst alert.").positive();
    public static final ConfigKey<Integer> DISCOVERY_SERVICES = ConfigKey.integer("burst.discovery.services", "4",
            "Distinct services (event sources) a discovery burst must span: one application reading its own"
                    + " service's resources is not enumeration.").positive();
    public static final ConfigKey<Integer> DISCOVERY_DENIED = ConfigKey.integer("burst.discovery.denied", "3",
            "Distinct APIs denied to a program (not a browser: console pages call what they can) within a"
                    + " discovery burst that raise it from LOW to MEDIUM (a burst by an EC2 instance's role session is"
                    + " MEDIUM anyway).").positive();
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

    public static final ConfigKey<Integer> S3_DELETION_OBJECTS = ConfigKey.integer("burst.s3-deletion.objects", "20",
            "Distinct S3 objects (or object versions) one principal must delete with DeleteObject, allowed or denied,"
                    + " within burst.s3-deletion.window to make one s3-mass-deletion alert: MEDIUM, HIGH when versions"
                    + " were deleted for good (versionId given).").positive();
    public static final ConfigKey<Duration> S3_DELETION_WINDOW = ConfigKey.duration("burst.s3-deletion.window", "10m",
            "Length of the event-time windows (aligned to the epoch, UTC) of an S3 mass deletion, and in which a ListObjectVersions and a DeleteObjects on one"
                    + " bucket by one principal make one MEDIUM s3-mass-deletion alert (a versioned bucket wiped in"
                    + " batches).").positive();

    public static final List<ConfigKey<?>> ALL = List.of(GRACE, FAILED_LOGIN_THRESHOLD, FAILED_LOGIN_WINDOW,
            PASSWORD_SPRAY_USERS, PASSWORD_SPRAY_WINDOW, ACCESS_DENIED_THRESHOLD, ACCESS_DENIED_WINDOW,
            BRUTEFORCE_SUCCESS_WITHIN, CROSS_ACCOUNT_SPRAY_ACCOUNTS, CROSS_ACCOUNT_SPRAY_FAILURES,
            CROSS_ACCOUNT_SPRAY_WINDOW, HARVEST_RESOURCES, HARVEST_WINDOW, DISCOVERY_ENABLED, DISCOVERY_CALLS, DISCOVERY_SERVICES,
            DISCOVERY_DENIED, DISCOVERY_WINDOW, INSTANCE_CREDENTIALS_CONFIRM, INSTANCE_CREDENTIALS_SHARED,
            INSTANCE_CREDENTIALS_RETENTION, S3_DELETION_OBJECTS, S3_DELETION_WINDOW);

    private BurstSettings() {
    }
}
