package dev.trailwatch.detector.order;

import static dev.trailwatch.detector.detect.location.LoginEvents.DE_STRATO;
import static dev.trailwatch.detector.detect.location.LoginEvents.GB_AAISP;
import static dev.trailwatch.detector.detect.location.LoginEvents.JP_WIDE;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_AMAZON;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_GOOGLE;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_LEVEL3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One organization's CloudTrail history for the order-invariance suite: the bundled sample organization (three
 * accounts, five days, its attack story: a failed-login burst then success, an AccessDenied burst, a foreign
 * principal, first use of a region and of a service, logging stopped) plus what it lacks, written as CloudTrail writes
 * it: an account created through Organizations mid-history that then works in another account; an organization
 * account whose own records begin minutes after its role is first used elsewhere (never foreign); a foreign account
 * whose calls repeat (suppression folds them); a password spray, a cross-account spray, a credential-harvesting
 * burst and an AccessDenied burst in other accounts; their benign look-alikes (a few typos, an application re-reading
 * its two secrets, a handful of denials); console sign-ins from real public addresses the GeoIP test databases
 * locate (a user's home country and network over days, a sign-in from a new country, one from a new network, and
 * their look-alikes: a user's first sign-ins, repeat and returning sign-ins, a private address); and a quiet tail hours
 * later on every account, so that every window and every wait ends by event time, live.
 *
 * <p>Then the orders history reaches a live detector in: sorted by event time; as an S3 backfill lists an organization
 * trail, account after account (each account's 5-minute files in time order, records shuffled inside a file); with
 * the files of each 10-minute delivery batch in reverse key order; and every record delayed by a random part of the
 * reorder horizon (shuffled within it).
 */
final class OrgHistory {

    static final String A = "111111111111";
    static final String B = "222222222222";
    static final String C = "333333333333";
    /** Created through Organizations (CreateAccount in A) mid-history. */
    static final String D = "444444444444";
    /** An organization account whose own records begin five minutes after its role first acts in B. */
    static final String E = "555555555555";
    static final String FOREIGN = "777777777777";
    /** Every account with a trail of its own in the history. */
    static final List<String> ACCOUNTS = List.of(A, B, C, D, E);
    private static final Instant END_OF_SAMPLES = Instant.parse("2025-03-11T23:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record: its JSON and what the orders need. */
    record Event(byte[] json, String account, String region, long time, String id) {
    }

    // Located addresses: LoginEvents' (the GeoIP test databases' answers, as the login-location tests use them).
    /** Private: no database locates it. */
    static final String PRIVATE = "10.20.30.40";

    private final List<Event> events = new ArrayList<>();
    private final Random random = new Random(10);
    /** The eventID of the sign-in console-login-new-country must name: the first from the new country. */
    private String newCountrySignIn;
    /** The eventID of the sign-in console-login-new-asn must name: the first from the new network. */
    private String newNetworkSignIn;
    /** The eventID of the call workload-credential-exfiltration must name: the Lambda's session's first outside. */
    private String stolenFunctionCall;
    /** The eventIDs of the located sign-ins that must raise nothing MEDIUM or above. */
    private final List<String> quietSignIns = new ArrayList<>();

    OrgHistory() {
        samples();
        organizationAccounts();
        foreignAccount();
        loginAttacks();
        harvestingAndDenials();
        discoverySweep();
        stolenInstanceCredentials();
        stolenWorkloadCredentials();
        loginLocations();
        quietTail();
    }

    String newCountrySignIn() {
        return newCountrySignIn;
    }

    String newNetworkSignIn() {
        return newNetworkSignIn;
    }

    String stolenFunctionCall() {
        return stolenFunctionCall;
    }

    List<String> quietSignIns() {
        return List.copyOf(quietSignIns);
    }

    List<Event> sorted() {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::time).thenComparing(Event::id));
        return sorted;
    }

    /** Account after account; within one, its 5-minute files (all regions) in time order, shuffled inside. */
    List<Event> s3KeyOrder(long seed) {
        Random rng = new Random(seed);
        Map<String, List<List<Event>>> byAccount = new TreeMap<>();
        files().forEach((key, file) -> byAccount.computeIfAbsent(file.get(0).account(), a -> new ArrayList<>())
                .add(file));
        List<Event> order = new ArrayList<>();
        byAccount.values().forEach(files -> {
            files.sort(Comparator.comparingLong(file -> period(file.get(0).time())));
            files.forEach(file -> order.addAll(shuffled(file, rng)));
        });
        return order;
    }

    /** Delivery batches of 10 minutes in time order; inside each, the files in reverse key order, shuffled inside. */
    List<Event> filesReversedPerBatch(long seed) {
        Random rng = new Random(seed);
        Map<Long, List<List<Event>>> batches = new TreeMap<>();
        TreeMap<String, List<Event>> files = files();
        for (String key : files.descendingKeySet()) {
            List<Event> file = files.get(key);
            batches.computeIfAbsent(file.get(0).time() / Duration.ofMinutes(10).toMillis(), b -> new ArrayList<>())
                    .add(file);
        }
        List<Event> order = new ArrayList<>();
        batches.values().forEach(batch -> batch.forEach(file -> order.addAll(shuffled(file, rng))));
        return order;
    }

    /** Every record arrives a random 0 to {@code horizon} minus a minute after its event time. */
    List<Event> shuffledWithin(Duration horizon, long seed) {
        Random rng = new Random(seed);
        long maxDelay = horizon.minusMinutes(1).toMillis();
        record Arrival(Event event, long at) {
        }
        List<Arrival> arrivals = new ArrayList<>();
        for (Event event : sorted()) {
            arrivals.add(new Arrival(event, event.time() + (long) (rng.nextDouble() * maxDelay)));
        }
        arrivals.sort(Comparator.comparingLong(Arrival::at));
        return arrivals.stream().map(Arrival::event).toList();
    }

    /** Files as an organization trail writes them: one per account, region and 5 minutes, keyed like S3. */
    private TreeMap<String, List<Event>> files() {
        TreeMap<String, List<Event>> files = new TreeMap<>();
        for (Event event : sorted()) {
            String key = event.account() + "/" + event.region() + "/" + Instant.ofEpochMilli(period(event.time()));
            files.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
        }
        return files;
    }

    private static long period(long time) {
        long five = Duration.ofMinutes(5).toMillis();
        return time - Math.floorMod(time, five);
    }

    private static List<Event> shuffled(List<Event> file, Random rng) {
        List<Event> copy = new ArrayList<>(file);
        Collections.shuffle(copy, rng);
        return copy;
    }

    private void samples() {
        CloudTrailFileReader reader = new CloudTrailFileReader();
        try (InputStream index = resource("index.txt")) {
            for (String name : new String(index.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> l.endsWith(".json.gz")).toList()) {
                try (InputStream in = resource(name)) {
                    reader.read(in, name, new RecordSink() {
                        @Override
                        public void record(CloudTrailRecord record) {
                            add(record.json());
                        }

                        @Override
                        public void rejected(String location, String reason) {
                            throw new IllegalStateException(location + ": " + reason);
                        }
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** D created in A through Organizations, then working in C; E's role acting in B just before E's own records. */
    private void organizationAccounts() {
        Instant created = Instant.parse("2025-03-09T09:00:00Z");
        ObjectNode status = JSON.createObjectNode().put("id", "car-1").put("state", "SUCCEEDED")
                .put("accountName", "sandbox").put("accountId", D);
        ObjectNode create = call(A, user(A, "admin"), "organizations.amazonaws.com", "CreateAccount", "us-east-1",
                created, "198.51.100.14");
        create.set("responseElements", JSON.createObjectNode().set("createAccountStatus", status));
        add(create);
        for (int i = 0; i < 60; i++) {
            Instant at = created.plus(Duration.ofMinutes(20 + i * 37L));
            add(call(D, role(D, "OrganizationAccountAccessRole", "setup"), "ec2.amazonaws.com",
                    "DescribeInstances", "us-east-1", at, "198.51.100.14"));
        }
        add(call(C, role(D, "deployer", "ci"), "s3.amazonaws.com", "ListBuckets", "us-east-1",
                created.plus(Duration.ofMinutes(25)), "198.51.100.14"));
        Instant eFirst = Instant.parse("2025-03-10T10:05:00Z");
        add(call(B, role(E, "auditor", "audit"), "ec2.amazonaws.com", "DescribeInstances", "eu-west-1",
                eFirst.minus(Duration.ofMinutes(5)), "198.51.100.23"));
        for (int i = 0; i < 40; i++) {
            add(call(E, role(E, "auditor", "audit"), "ec2.amazonaws.com", "DescribeInstances", "eu-west-1",
                    eFirst.plus(Duration.ofMinutes(i * 41L)), "198.51.100.23"));
        }
    }

    /** A foreign principal's calls in C, three in ten minutes (one alert, repeats folded), then two hours later. */
    private void foreignAccount() {
        Instant start = Instant.parse("2025-03-10T16:00:00Z");
        for (Duration offset : List.of(Duration.ZERO, Duration.ofMinutes(4), Duration.ofMinutes(9),
                Duration.ofMinutes(130))) {
            add(call(C, role(FOREIGN, "vendor-scanner", "scan"), "s3.amazonaws.com", "ListBuckets", "us-east-1",
                    start.plus(offset), "203.0.113.150"));
        }
    }

    private void loginAttacks() {
        Instant spray = Instant.parse("2025-03-10T11:00:00Z");
        for (int i = 0; i < 6; i++) {
            add(failedLogin(B, "user" + i, "203.0.113.77", spray.plus(Duration.ofSeconds(30L * i))));
        }
        Instant cross = Instant.parse("2025-03-10T12:00:00Z");
        add(failedLogin(A, "ops", "203.0.113.88", cross));
        add(failedLogin(A, "ops", "203.0.113.88", cross.plus(Duration.ofMinutes(3))));
        add(failedLogin(C, "ops", "203.0.113.88", cross.plus(Duration.ofMinutes(7))));
        add(failedLogin(C, "admin", "203.0.113.88", cross.plus(Duration.ofMinutes(12))));
        add(failedLogin(C, "ops", "203.0.113.88", cross.plus(Duration.ofMinutes(18))));
        Instant typo = Instant.parse("2025-03-10T09:00:00Z");
        for (int i = 0; i < 3; i++) {
            add(failedLogin(A, "carol", "198.51.100.50", typo.plus(Duration.ofSeconds(20L * i))));
        }
        ObjectNode success = call(A, user(A, "carol"), "signin.amazonaws.com", "ConsoleLogin", "us-east-1",
                typo.plus(Duration.ofMinutes(2)), "198.51.100.50");
        success.put("eventType", "AwsConsoleSignIn");
        success.set("responseElements", JSON.createObjectNode().put("ConsoleLogin", "Success"));
        add(success);
    }

    private void harvestingAndDenials() {
        Instant harvest = Instant.parse("2025-03-09T15:00:00Z");
        for (int i = 0; i < 12; i++) {
            ObjectNode read = call(C, role(C, "build-runner", "job-7"), "secretsmanager.amazonaws.com",
                    "GetSecretValue", "us-east-1", harvest.plus(Duration.ofSeconds(35L * i)), "192.0.2.77");
            read.set("requestParameters", JSON.createObjectNode().put("secretId", "prod/service-" + i + "/key"));
            add(read);
        }
        for (int i = 0; i < 20; i++) {
            ObjectNode read = call(C, role(C, "app-server-role", "i-0c1"), "secretsmanager.amazonaws.com",
                    "GetSecretValue", "us-east-1", harvest.plus(Duration.ofSeconds(40L * i + 7)), "192.0.2.78");
            read.set("requestParameters", JSON.createObjectNode().put("secretId", "prod/app/" + (i % 2)));
            add(read);
        }
        Instant denied = Instant.parse("2025-03-10T13:00:00Z");
        for (int i = 0; i < 25; i++) {
            add(deniedCall(B, role(B, "intruder-role", "x"), denied.plus(Duration.ofSeconds(9L * i)),
                    "203.0.113.99"));
        }
        for (int i = 0; i < 10; i++) {
            add(deniedCall(B, role(B, "lambda-role", "fn"), denied.plus(Duration.ofSeconds(20L * i + 3)),
                    "192.0.2.90"));
        }
    }

    /**
     * Stolen instance credentials surveying account C (Stratus ec2-enumerate-from-instance): twelve distinct reads
     * across six services, some denied, straddling a 5-minute bucket boundary (discovery-burst pairs buckets).
     */
    private void discoverySweep() {
        String[][] reads = {{"sts.amazonaws.com", "GetCallerIdentity"}, {"s3.amazonaws.com", "ListBuckets"},
            {"iam.amazonaws.com", "GetAccountSummary"}, {"iam.amazonaws.com", "ListRoles"},
            {"iam.amazonaws.com", "ListUsers"}, {"iam.amazonaws.com", "GetAccountAuthorizationDetails"},
            {"ec2.amazonaws.com", "DescribeSnapshots"}, {"ec2.amazonaws.com", "DescribeInstances"},
            {"cloudtrail.amazonaws.com", "DescribeTrails"}, {"guardduty.amazonaws.com", "ListDetectors"},
            {"ec2.amazonaws.com", "DescribeVolumes"}, {"iam.amazonaws.com", "ListPolicies"}};
        Instant sweep = Instant.parse("2025-03-09T18:03:00Z");
        for (int i = 0; i < reads.length; i++) {
            ObjectNode read = call(C, role(C, "web-tier-role", "i-0a1b2c3d4e5f60718"), reads[i][0], reads[i][1],
                    "us-east-1", sweep.plus(Duration.ofSeconds(25L * i)), "203.0.113.45");
            if (i % 4 == 3) {
                read.put("errorCode", "AccessDenied");
                read.put("errorMessage", "User is not authorized to perform: " + reads[i][1]);
            }
            add(read);
        }
    }

    /**
     * Console sign-ins the GeoIP databases locate, for a learning period of three days (the suite's setting: the
     * history is nine days long). dana (A) signs in from home (US, Google's network) every morning, then one evening
     * from Germany, twice more within minutes (the last in the next 5-minute file: with files reversed it arrives
     * first, shuffled either may; the alert must still name the first) and the next morning again (a country now
     * known). frank (B) signs in from two US networks, then twice from a hosting provider's network in the US (a new
     * network in a known country; both in one file, shuffled inside it). hana, an IAM Identity Center user of C, learns
     * GB and JP in her first minutes, then signs in from GB, returns to JP after the learning period, and once from a
     * private address. ivan (A) signs in for the first time late in the history, from two countries minutes apart:
     * still learning.
     */
    private void loginLocations() {
        Instant morning = Instant.parse("2025-03-03T08:40:00Z");
        for (int day = 0; day < 9; day++) {
            Instant at = morning.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(7L * day));
            quiet(signIn(A, user(A, "dana"), US_GOOGLE, at));
            quiet(signIn(B, user(B, "frank"), day % 3 == 2 ? US_GOOGLE : US_LEVEL3, at.plus(Duration.ofMinutes(20))));
            if (day > 0) {
                quiet(signIn(C, ssoSession(C, "hana"), GB_AAISP, at.plus(Duration.ofMinutes(35))));
            }
        }
        Instant travel = Instant.parse("2025-03-09T21:10:00Z");
        newCountrySignIn = add(signIn(A, user(A, "dana"), DE_STRATO, travel));
        quiet(signIn(A, user(A, "dana"), DE_STRATO, travel.plus(Duration.ofMinutes(2))));
        quiet(signIn(A, user(A, "dana"), DE_STRATO, travel.plus(Duration.ofMinutes(5))));
        quiet(signIn(A, user(A, "dana"), DE_STRATO, travel.plus(Duration.ofHours(12))));
        Instant hosting = Instant.parse("2025-03-10T19:45:00Z");
        newNetworkSignIn = add(signIn(B, user(B, "frank"), US_AMAZON, hosting));
        quiet(signIn(B, user(B, "frank"), US_AMAZON, hosting.plus(Duration.ofMinutes(3))));
        Instant first = Instant.parse("2025-03-03T07:50:00Z");
        quiet(signIn(C, ssoSession(C, "hana"), GB_AAISP, first));
        quiet(signIn(C, ssoSession(C, "hana"), JP_WIDE, first.plus(Duration.ofMinutes(9))));
        quiet(signIn(C, ssoSession(C, "hana"), JP_WIDE, Instant.parse("2025-03-08T02:15:00Z")));
        quiet(signIn(C, ssoSession(C, "hana"), PRIVATE, Instant.parse("2025-03-09T11:30:00Z")));
        Instant newcomer = Instant.parse("2025-03-11T10:00:00Z");
        quiet(signIn(A, user(A, "ivan"), JP_WIDE, newcomer));
        quiet(signIn(A, user(A, "ivan"), DE_STRATO, newcomer.plus(Duration.ofMinutes(5))));
    }

    private void quiet(ObjectNode signIn) {
        quietSignIns.add(add(signIn));
    }

    /** A successful console sign-in, with MFA, from a browser. */
    private ObjectNode signIn(String account, ObjectNode identity, String ip, Instant at) {
        ObjectNode login = call(account, identity, "signin.amazonaws.com", "ConsoleLogin", "us-east-1", at, ip);
        login.put("eventType", "AwsConsoleSignIn");
        login.put("userAgent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        login.remove("readOnly");
        login.set("responseElements", JSON.createObjectNode().put("ConsoleLogin", "Success"));
        login.set("additionalEventData", JSON.createObjectNode()
                .put("LoginTo", "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true")
                .put("MobileVersion", "No").put("MFAUsed", "Yes"));
        return login;
    }

    /** An IAM Identity Center user's session: the permission set's reserved role, named for the user. */
    private static ObjectNode ssoSession(String account, String userName) {
        return role(account, "AWSReservedSSO_AdministratorAccess_0123456789abcdef", userName);
    }

    /** Hours after the story, a call on every account in a region and service it uses: every wait ends. */
    private void quietTail() {
        Instant tail = END_OF_SAMPLES.plus(Duration.ofHours(4));
        for (String account : List.of(A, B, C, D, E)) {
            for (int i = 0; i < 3; i++) {
                add(call(account, role(account, "OrganizationAccountAccessRole", "tail"), "ec2.amazonaws.com",
                        "DescribeInstances", "us-east-1", tail.plus(Duration.ofMinutes(40L * i)), "198.51.100.14"));
            }
        }
    }

    private ObjectNode failedLogin(String account, String userName, String ip, Instant at) {
        ObjectNode login = call(account, user(account, userName), "signin.amazonaws.com", "ConsoleLogin",
                "us-east-1", at, ip);
        login.put("eventType", "AwsConsoleSignIn");
        login.put("errorMessage", "Failed authentication");
        login.set("responseElements", JSON.createObjectNode().put("ConsoleLogin", "Failure"));
        return login;
    }

    private ObjectNode deniedCall(String account, ObjectNode identity, Instant at, String ip) {
        ObjectNode call = call(account, identity, "ec2.amazonaws.com", "DescribeInstances", "us-east-1", at, ip);
        call.put("errorCode", "Client.UnauthorizedOperation");
        call.put("errorMessage", "You are not authorized to perform this operation.");
        return call;
    }

    /**
     * instance-credential-exfiltration's command rule in account D, whose orders of arrival the shuffles vary: Stratus
     * ec2-steal-instance-credentials (an IAM user runs a command on an instance from an outside address, and 31
     * seconds later the instance's role credentials call from that same address, before any call of the instance's
     * own, which come minutes later from its address); one command to two instances, both then used from the
     * command's address. The look-alikes, quiet: an administrator's command to an instance whose credentials then
     * call from its own address only; automation behind a NAT sending a command to an instance whose SSM agent
     * registered through that NAT a minute before.
     */
    private void stolenInstanceCredentials() {
        Instant steal = Instant.parse("2025-03-10T09:00:00Z");
        String victim = "i-0c0ffee0c0ffee001";
        String attacker = "198.51.100.201";
        add(sendCommand(D, user(D, "ops-admin"), steal, attacker, victim));
        add(call(D, role(D, "worker-role", victim), "sts.amazonaws.com", "GetCallerIdentity", "us-east-1",
                steal.plusSeconds(31), attacker));
        add(call(D, role(D, "worker-role", victim), "ec2.amazonaws.com", "DescribeInstances", "us-east-1",
                steal.plusSeconds(33), attacker));
        for (int i = 0; i < 3; i++) {
            add(call(D, role(D, "worker-role", victim), "ssm.amazonaws.com", "UpdateInstanceInformation",
                    "us-east-1", steal.plus(Duration.ofMinutes(4L + 12 * i)), "52.4.0.9"));
        }
        Instant fleet = steal.plus(Duration.ofHours(1));
        add(sendCommand(D, user(D, "ops-admin"), fleet, "198.51.100.203", "i-0c0ffee0c0ffee003",
                "i-0c0ffee0c0ffee004"));
        for (String instance : List.of("i-0c0ffee0c0ffee003", "i-0c0ffee0c0ffee004")) {
            add(call(D, role(D, "worker-role", instance), "sts.amazonaws.com", "GetCallerIdentity", "us-east-1",
                    fleet.plusSeconds(40), "198.51.100.203"));
        }
        String managed = "i-0c0ffee0c0ffee002";
        add(sendCommand(D, user(D, "ops-admin"), steal.plus(Duration.ofHours(2)), "198.51.100.202", managed));
        for (int i = 0; i < 3; i++) {
            add(call(D, role(D, "worker-role", managed), "s3.amazonaws.com", "ListBuckets", "us-east-1",
                    steal.plus(Duration.ofHours(2)).plus(Duration.ofSeconds(40L + 300 * i)), "52.4.0.10"));
        }
        String started = "i-0c0ffee0c0ffee005";
        Instant deploy = steal.plus(Duration.ofHours(3));
        add(call(D, role(D, "worker-role", started), "ssm.amazonaws.com", "UpdateInstanceInformation", "us-east-1",
                deploy, "52.4.0.20"));
        add(sendCommand(D, role(D, "deployer-lambda", "deployer"), deploy.plusSeconds(60), "52.4.0.20", started));
        add(call(D, role(D, "worker-role", started), "s3.amazonaws.com", "GetObject", "us-east-1",
                deploy.plusSeconds(180), "52.4.0.20"));
    }

    /**
     * workload-credential-exfiltration in account D: Lambda issues a function's role session (AssumeRole by
     * lambda.amazonaws.com), the function calls from AWS's network with its runtime's user agent, and ten minutes later
     * the same session calls from a hosting provider with the CLI (flaws2.cloud level 1). Judged the same with the ASN
     * database and, without it, by user agents. The look-alike, quiet either way: an ECS task's session used only from
     * AWS's network, once by a library that names no runtime.
     */
    private void stolenWorkloadCredentials() {
        Instant issued = Instant.parse("2025-03-10T14:00:00Z");
        String lambdaAgent = "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.209 md/arch#x86_64"
                + " lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 Botocore/1.34.34";
        String functionKey = "ASIA4444LAMBDATHUMB1";
        add(assumedFor(D, "lambda.amazonaws.com", "service-role/thumbnailer-role-7h3k", "thumbnailer", functionKey,
                issued));
        ObjectNode function = role(D, "service-role/thumbnailer-role-7h3k", "thumbnailer").put("accessKeyId",
                functionKey);
        for (int i = 0; i < 3; i++) {
            add(call(D, function, "s3.amazonaws.com", "GetObject", "us-east-1", issued.plusSeconds(5 + 60L * i),
                    US_AMAZON).put("userAgent", lambdaAgent));
        }
        stolenFunctionCall = add(call(D, function, "sts.amazonaws.com", "GetCallerIdentity", "us-east-1",
                issued.plus(Duration.ofMinutes(10)), DE_STRATO));
        add(call(D, function, "s3.amazonaws.com", "ListBuckets", "us-east-1", issued.plus(Duration.ofMinutes(11)),
                DE_STRATO));

        Instant started = issued.plus(Duration.ofHours(1));
        String taskKey = "ASIA4444ECSTASKORDER1";
        String taskId = "5d0c1e2f3a4b5c6d7e8f9a0b1c2d3e4f";
        add(assumedFor(D, "ecs-tasks.amazonaws.com", "orders-task-role", taskId, taskKey, started));
        ObjectNode task = role(D, "orders-task-role", taskId).put("accessKeyId", taskKey);
        add(call(D, task, "sqs.amazonaws.com", "ReceiveMessage", "us-east-1", started.plusSeconds(30), US_AMAZON)
                .put("userAgent", "aws-sdk-java/2.25.10 Linux/5.10.213 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS"
                        + " Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache"));
        add(call(D, task, "sqs.amazonaws.com", "DeleteMessage", "us-east-1", started.plusSeconds(31), US_AMAZON)
                .put("userAgent", "python-requests/2.31.0 aws-requests-auth/0.4.3"));
    }

    /** The AssumeRole a workload service makes for a function or task, as CloudTrail records it. */
    private ObjectNode assumedFor(String account, String service, String role, String session, String key,
                                  Instant at) {
        ObjectNode identity = JSON.createObjectNode().put("type", "AWSService").put("invokedBy", service);
        ObjectNode event = call(account, identity, "sts.amazonaws.com", "AssumeRole", "us-east-1", at, service);
        event.put("userAgent", service);
        String roleArn = "arn:aws:iam::" + account + ":role/" + role;
        event.set("requestParameters", JSON.createObjectNode().put("roleArn", roleArn)
                .put("roleSessionName", session));
        ObjectNode credentials = JSON.createObjectNode().put("accessKeyId", key)
                .put("sessionToken", "IQoJb3JpZ2luX2VjEXAMPLE").put("expiration", at.plus(Duration.ofHours(12))
                        .toString());
        event.set("responseElements", JSON.createObjectNode().set("credentials", credentials));
        return event;
    }

    private ObjectNode sendCommand(String account, ObjectNode identity, Instant at, String ip, String... instances) {
        ObjectNode command = call(account, identity, "ssm.amazonaws.com", "SendCommand", "us-east-1", at, ip);
        ObjectNode request = JSON.createObjectNode().put("documentName", "AWS-RunShellScript");
        for (String instance : instances) {
            request.withArray("instanceIds").add(instance);
        }
        command.set("requestParameters", request);
        return command;
    }

    private ObjectNode call(String account, ObjectNode identity, String source, String name, String region,
                            Instant at, String ip) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventVersion", "1.10");
        event.set("userIdentity", identity);
        event.put("eventTime", at.toString());
        event.put("eventSource", source);
        event.put("eventName", name);
        event.put("awsRegion", region);
        event.put("sourceIPAddress", ip);
        event.put("userAgent", "aws-cli/2.22.0 Python/3.12.6 Linux/6.1 exe/x86_64");
        event.putNull("requestParameters");
        event.putNull("responseElements");
        event.put("requestID", new UUID(random.nextLong(), random.nextLong()).toString());
        event.put("eventID", new UUID(random.nextLong(), random.nextLong()).toString());
        event.put("readOnly", name.startsWith("Describe") || name.startsWith("List") || name.startsWith("Get"));
        event.put("eventType", "AwsApiCall");
        event.put("managementEvent", true);
        event.put("recipientAccountId", account);
        event.put("eventCategory", "Management");
        return event;
    }

    private static ObjectNode user(String account, String name) {
        return JSON.createObjectNode().put("type", "IAMUser").put("principalId", "AIDA" + name.toUpperCase())
                .put("arn", "arn:aws:iam::" + account + ":user/" + name).put("accountId", account)
                .put("userName", name);
    }

    private static ObjectNode role(String account, String role, String session) {
        ObjectNode issuer = JSON.createObjectNode().put("type", "Role").put("principalId", "AROA" + role.length())
                .put("arn", "arn:aws:iam::" + account + ":role/" + role).put("accountId", account)
                .put("userName", role);
        ObjectNode context = JSON.createObjectNode();
        context.set("sessionIssuer", issuer);
        return JSON.createObjectNode().put("type", "AssumedRole").put("principalId", "AROA" + role.length() + ":"
                        + session).put("arn", "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session)
                .put("accountId", account).put("accessKeyId", "ASIA" + account).set("sessionContext", context);
    }

    /** Adds the record; its eventID. */
    private String add(ObjectNode event) {
        try {
            add(JSON.writeValueAsBytes(event));
            return event.path("eventID").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(byte[] json) {
        try {
            JsonNode tree = JSON.readTree(json);
            events.add(new Event(json, tree.path("recipientAccountId").asText(), tree.path("awsRegion").asText(),
                    Instant.parse(tree.path("eventTime").asText()).toEpochMilli(), tree.path("eventID").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = OrgHistory.class.getResourceAsStream("/samples/" + name);
        if (in == null) {
            throw new IOException("missing bundled sample " + name);
        }
        return in;
    }
}
