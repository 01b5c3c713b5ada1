package dev.trailwatch.detector.bench;

import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.source.RecordHeaders;
import dev.trailwatch.ingest.source.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Realistic CloudTrail traffic for {@code trailwatch bench}: an organization of {@code accounts} accounts, each with
 * IAM users, assumed roles and AWS service principals, a read-heavy mix over ~20 services in 3-5 home regions, records
 * of ~1.5 KB like real ones, keyed by {@code recipientAccountId}, {@code eventTime} increasing.
 *
 * <p>Principals behave as real ones do: each IAM user and role session has a stable profile (a handful of calls drawn
 * from the overall skewed mix, 2-5 for an application, 3-9 for a person; one to three resources; its own address or
 * subnet, identifiers and client), and an event's call is drawn from the overall mix first, then one of the
 * principals whose profile holds it, so the mix of calls, record sizes and counts are those of a mix drawn per event.
 * A principal that called every kind of read API at random would make the bench a scanner's traffic: nearly every
 * read new for its principal, where in real CloudTrail nearly every read repeats one of the principal's own calls
 * (docs/performance.md, Traffic). A handful of attacks is
 * injected (StopLogging, a security group opened to 0.0.0.0/0, a burst of failed console logins from one IP), each
 * round in its own account with its own principal and IP (in 198.18.0.0/15, the benchmarking range) so no alert
 * suppresses another. Deterministic for a seed.
 *
 * <p>Two shapes: {@link #endingNow} pre-loads history (an org making ~50 events/s, ending a minute ago), and
 * {@link #live} produces at a rate R with event times that follow the wall clock, continuing after a pre-load.
 */
public final class TrafficGenerator {

    /** Event-time step between two pre-loaded records: an org producing ~50 events/s. */
    static final long STEP_MS = 20;
    /** Pre-loaded records per attack round. */
    static final long EVENTS_PER_ROUND = 20_000;
    /** Distinct principals per account unless {@link #withPrincipalsPerAccount} says otherwise. */
    public static final int DEFAULT_PRINCIPALS_PER_ACCOUNT = 100;
    /** Rounds have distinct IPs and principals; 198.18.0.0/15 holds this many. */
    static final int MAX_ROUNDS = 500;
    /** Failed logins per injected burst (the detector's threshold is 10 within 5 minutes). */
    static final int BURST_FAILURES = 12;
    /** Records between two failures of a burst. */
    static final int BURST_SPACING = 5;

    /** One injected attack: the rule expected to alert, and the events that make it (any of them may be listed). */
    public record Attack(String name, String ruleId, Set<String> eventIds, String triggerEventId) {
    }

    /**
     * One record: its key (recipientAccountId), JSON bytes, its eventID when it is an attack step (else null) and its
     * eventTime in epoch millis.
     */
    public record Event(String key, byte[] value, String attackEventId, long eventTimeMillis) {

        /** The record as every producer of the events topic writes it: the ingest module's wire contract. */
        public ProducerRecord<String, byte[]> toProducerRecord(String topic) {
            return WireFormat.producerRecord(topic, new CloudTrailRecord(value, key, eventTimeMillis, "bench", null),
                    Map.of(RecordHeaders.SOURCE, "bench"), System.currentTimeMillis());
        }
    }

    public interface Sink {
        void accept(long index, Event event);
    }

    private record Call(String source, String name, boolean readOnly, String resourceKind) {
    }

    private static final Call[] READS = {
            new Call("ec2.amazonaws.com", "DescribeInstances", true, "instancesSet"),
            new Call("ec2.amazonaws.com", "DescribeSecurityGroups", true, "securityGroupIdSet"),
            new Call("ec2.amazonaws.com", "DescribeVolumes", true, "volumeSet"),
            new Call("s3.amazonaws.com", "GetBucketAcl", true, "bucketName"),
            new Call("s3.amazonaws.com", "ListBuckets", true, "host"),
            new Call("s3.amazonaws.com", "GetBucketLocation", true, "bucketName"),
            new Call("iam.amazonaws.com", "GetUser", true, "userName"),
            new Call("iam.amazonaws.com", "ListRoles", true, "pathPrefix"),
            new Call("sts.amazonaws.com", "GetCallerIdentity", true, "none"),
            new Call("sts.amazonaws.com", "AssumeRole", false, "roleArn"),
            new Call("lambda.amazonaws.com", "ListFunctions20150331", true, "maxItems"),
            new Call("lambda.amazonaws.com", "GetFunction20150331v2", true, "functionName"),
            new Call("kms.amazonaws.com", "Decrypt", true, "encryptionContext"),
            new Call("kms.amazonaws.com", "GenerateDataKey", true, "keyId"),
            new Call("dynamodb.amazonaws.com", "DescribeTable", true, "tableName"),
            new Call("rds.amazonaws.com", "DescribeDBInstances", true, "dBInstanceIdentifier"),
            new Call("cloudwatch.amazonaws.com", "GetMetricData", true, "metricDataQueries"),
            new Call("logs.amazonaws.com", "DescribeLogGroups", true, "logGroupNamePrefix"),
            new Call("ssm.amazonaws.com", "GetParameter", true, "name"),
            new Call("secretsmanager.amazonaws.com", "GetSecretValue", true, "secretId"),
            new Call("ecr.amazonaws.com", "GetAuthorizationToken", true, "registryIds"),
            new Call("ecs.amazonaws.com", "DescribeServices", true, "services"),
            new Call("sqs.amazonaws.com", "ReceiveMessage", true, "queueUrl"),
            new Call("sns.amazonaws.com", "ListTopics", true, "nextToken"),
            new Call("cloudformation.amazonaws.com", "DescribeStacks", true, "stackName"),
            new Call("elasticloadbalancing.amazonaws.com", "DescribeLoadBalancers", true, "names"),
            new Call("autoscaling.amazonaws.com", "DescribeAutoScalingGroups", true, "autoScalingGroupNames"),
            new Call("ec2.amazonaws.com", "CreateTags", false, "resourcesSet"),
            new Call("logs.amazonaws.com", "CreateLogStream", false, "logStreamName"),
            new Call("s3.amazonaws.com", "PutObject", false, "key"),
    };
    private static final String[] ALL_REGIONS = {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
            "ap-southeast-2", "ap-northeast-1"};
    private static final String[] AGENTS = {
            "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-1014-aws exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances",
            "aws-sdk-java/2.25.11 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS "
                    + "Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard",
            "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#5.10.210 md/arch#x86_64 lang/python#3.11.8 "
                    + "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.34",
            "Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.38.0 aws-sdk-go-v2/1.25.0 os/linux",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/122.0.0.0 Safari/537.36",
    };
    /** Profile kinds: IAM users, role sessions, and the roles the sessions belong to. */
    private static final int USER = 0;
    private static final int SESSION = 1;
    private static final int ROLE = 2;
    private static final String[] SERVICE_PRINCIPALS = {"lambda.amazonaws.com", "ecs-tasks.amazonaws.com",
            "autoscaling.amazonaws.com", "cloudformation.amazonaws.com", "config.amazonaws.com"};

    private final long seed;
    private final int accounts;
    private final long startMicros;
    private final long stepMicros;
    private final long eventsPerRound;
    private final int firstRound;
    private final int principalsPerAccount;
    /** Per account (built when first used): see {@link #holders(int)}. */
    private final Map<Integer, Makers[][]> holders = new HashMap<>();

    private TrafficGenerator(long seed, int accounts, long startMicros, long stepMicros, long eventsPerRound,
                             int firstRound, int principalsPerAccount) {
        if (accounts < 1) {
            throw new IllegalArgumentException("--accounts must be at least 1");
        }
        if (principalsPerAccount < 1) {
            throw new IllegalArgumentException("principals per account must be at least 1");
        }
        this.seed = seed;
        this.accounts = accounts;
        this.startMicros = startMicros;
        this.stepMicros = stepMicros;
        this.eventsPerRound = eventsPerRound;
        this.firstRound = firstRound;
        this.principalsPerAccount = principalsPerAccount;
    }

    /**
     * The same traffic with {@code perAccount} distinct human and application principals per account (IAM user
     * {@code userN} and role session {@code session-N} share the number N); AWS service principals come on top.
     */
    public TrafficGenerator withPrincipalsPerAccount(int perAccount) {
        return new TrafficGenerator(seed, accounts, startMicros, stepMicros, eventsPerRound, firstRound, perAccount);
    }

    /** History starting at {@code start}, one record per {@link #STEP_MS}, one attack round per 20,000 records. */
    public TrafficGenerator(long seed, int accounts, Instant start) {
        this(seed, accounts, start.toEpochMilli() * 1_000, STEP_MS * 1_000, EVENTS_PER_ROUND, 0,
                DEFAULT_PRINCIPALS_PER_ACCOUNT);
    }

    /**
     * A generator whose {@code n} events end a minute before now: the broker refuses timestamps more than an hour in
     * the future ({@code message.timestamp.after.max.ms}), and event time is one event per {@link #STEP_MS}.
     */
    public static TrafficGenerator endingNow(long seed, int accounts, long n) {
        return new TrafficGenerator(seed, accounts, Instant.now().minusMillis(n * STEP_MS + 60_000));
    }

    /**
     * Live traffic at {@code rate} records/s whose event times start at {@code start} and advance with the wall clock,
     * with an attack round every {@code eventsPerRound} records, numbered from {@code firstRound} so that its
     * principals and IPs differ from an earlier generator's.
     */
    public static TrafficGenerator live(long seed, int accounts, Instant start, int rate, long eventsPerRound,
                                        int firstRound) {
        return new TrafficGenerator(seed, accounts, start.toEpochMilli() * 1_000, Math.max(1, 1_000_000L / rate),
                Math.max(BURST_FAILURES * BURST_SPACING * 2L, eventsPerRound), firstRound,
                DEFAULT_PRINCIPALS_PER_ACCOUNT);
    }

    /** The event time of record {@code i}. */
    public Instant timeOf(long i) {
        return Instant.ofEpochMilli((startMicros + i * stepMicros) / 1_000);
    }

    /** Attack rounds in {@code n} pre-loaded events (a live generator after them numbers its rounds from here). */
    static int roundsFor(long n) {
        return (int) Math.max(1, Math.min(MAX_ROUNDS, n / EVENTS_PER_ROUND));
    }

    /** Attack rounds for {@code n} events: one per {@code eventsPerRound}, at least one, at most MAX_ROUNDS. */
    int rounds(long n) {
        return (int) Math.max(1, Math.min(MAX_ROUNDS - firstRound, n / eventsPerRound));
    }

    static String accountId(int a) {
        return String.format(Locale.ROOT, "%012d", 100_000_000_000L + 7_919L * a);
    }

    /**
     * Writes {@code n} records to the sink in order and returns the injected attacks. Needs n >= 200 so a burst fits.
     */
    public List<Attack> generate(long n, Sink sink) {
        if (n < 200) {
            throw new IllegalArgumentException("--events must be at least 200");
        }
        Random rng = new Random(seed);
        int rounds = rounds(n);
        // index -> attack step to write at that index
        TreeMap<Long, Object[]> plan = new TreeMap<>();
        List<Attack> attacks = new ArrayList<>();
        long span = n / rounds;
        for (int round = 0; round < rounds; round++) {
            long base = round * span;
            int r = firstRound + round;
            int account = (r * 7 + 3) % accounts;
            String acct = accountId(account);
            String principal = "attacker-" + r;
            String ip = "198.18." + (r / 250) + "." + (1 + r % 250);
            long stop = base + span / 4;
            long sg = base + span / 2;
            long burst = base + (span * 3) / 4 - (long) BURST_FAILURES * BURST_SPACING;
            String stopId = uuid(rng);
            String sgId = uuid(rng);
            plan.put(stop, new Object[] {"stop", acct, principal, ip, stopId});
            plan.put(sg, new Object[] {"sg", acct, principal, ip, sgId});
            attacks.add(new Attack("StopLogging#" + r, "cloudtrail-logging-stopped", Set.of(stopId), stopId));
            attacks.add(new Attack("OpenSecurityGroup#" + r, "security-group-changed", Set.of(sgId), sgId));
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < BURST_FAILURES; k++) {
                String id = uuid(rng);
                ids.add(id);
                plan.put(burst + (long) k * BURST_SPACING, new Object[] {"fail", acct, "victim" + (k % 3), ip, id});
            }
            attacks.add(new Attack("FailedLoginBurst#" + r, "failed-console-login-burst", Set.copyOf(ids),
                    ids.get(9)));
        }
        for (long i = 0; i < n; i++) {
            long when = (startMicros + i * stepMicros) / 1_000;
            Object[] step = plan.get(i);
            String json;
            String key;
            String attackId;
            if (step == null) {
                int account = pickAccount(rng);
                key = accountId(account);
                json = background(rng, account, key, when, i);
                attackId = null;
            } else {
                attackId = (String) step[4];
                key = (String) step[1];
                json = attack((String) step[0], key, (String) step[2], (String) step[3], (String) step[4], when, rng);
            }
            sink.accept(i, new Event(key, json.getBytes(StandardCharsets.UTF_8), attackId,
                    Math.floorDiv(when, 1_000) * 1_000));
        }
        return attacks;
    }

    /** Skewed: a few large accounts make most of the traffic, as in a real org. */
    private int pickAccount(Random rng) {
        double u = rng.nextDouble();
        return (int) Math.min(accounts - 1, Math.floor(accounts * u * u));
    }

    private static String uuid(Random rng) {
        return new UUID(rng.nextLong(), rng.nextLong()).toString();
    }

    private static String hex(Random rng, int chars) {
        StringBuilder sb = new StringBuilder(chars);
        while (sb.length() < chars) {
            sb.append(Long.toHexString(rng.nextLong() | Long.MIN_VALUE).toUpperCase(Locale.ROOT));
        }
        return sb.substring(0, chars);
    }

    /** CloudTrail writes whole seconds: {@code 2026-11-20T10:00:00Z}. */
    private static String time(long millis) {
        return Instant.ofEpochSecond(Math.floorDiv(millis, 1_000)).toString();
    }

    private static String region(int account, Random rng) {
        int homes = 3 + account % 3;
        return ALL_REGIONS[(account + rng.nextInt(homes)) % ALL_REGIONS.length];
    }

    /** One of the skewed {@link #READS}: the bench's overall mix of calls. */
    private static int pickCall(Random rng) {
        return Math.min(READS.length - 1, (int) (READS.length * Math.pow(rng.nextDouble(), 1.3)));
    }

    /**
     * Which principals of an account make each call: {@code holders[kind][call]} lists the numbers N of the IAM users
     * ({@code userN}, kind 0) or role sessions ({@code session-N}, kind 1) whose profile holds the call.
     */
    private Makers[][] holders(int account) {
        Makers[][] known = holders.get(account);
        if (known == null) {
            known = new Makers[][] {holdersOf(account, USER), holdersOf(account, SESSION)};
            holders.put(account, known);
        }
        return known;
    }

    private Makers[] holdersOf(int account, int kind) {
        List<List<Integer>> byCall = new ArrayList<>();
        for (int c = 0; c < READS.length; c++) {
            byCall.add(new ArrayList<>());
        }
        for (int n = 0; n < principalsPerAccount; n++) {
            for (int c : profileCalls(account, kind, n)) {
                byCall.get(c).add(n);
            }
        }
        Makers[] result = new Makers[READS.length];
        for (int c = 0; c < READS.length; c++) {
            List<Integer> list = byCall.get(c);
            if (list.isEmpty()) {
                // every call has someone making it, so the overall mix stays the skewed READS distribution
                list.add((c * 7 + account) % principalsPerAccount);
            }
            result[c] = Makers.of(list);
        }
        return result;
    }

    /**
     * The distinct calls one principal makes, drawn from the same skewed distribution as the overall mix: an
     * application role a handful (its code calls the same few APIs), a person at the CLI or SDK more.
     */
    private static int[] profileCalls(int account, int kind, int n) {
        Random p = profileRandom(account, kind, n);
        int want = kind == USER ? 3 + p.nextInt(7) : 2 + p.nextInt(4);
        Set<Integer> calls = new LinkedHashSet<>();
        for (int tries = 0; calls.size() < want && tries < 200; tries++) {
            calls.add(pickCall(p));
        }
        return calls.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A principal's stable traits come from a generator of their own, seeded by who they are (account, kind,
     * number) and not by the traffic's seed: the live stage's principals behave as the pre-loaded history's did.
     */
    private static Random profileRandom(int account, int kind, int n) {
        return new Random(0x5DEECE66DL * (account + 1) ^ 0x9E3779B97F4A7C15L * (3L * n + kind + 1));
    }

    /**
     * One of the principals making a call. Activity is heavy-tailed, as in real CloudTrail (a few automation roles
     * make most of the calls, most principals few): principal N weighs 1 / (N + 1).
     */
    private static int busiest(Makers makers, Random rng) {
        double u = rng.nextDouble() * makers.cumulative()[makers.cumulative().length - 1];
        int at = Arrays.binarySearch(makers.cumulative(), u);
        return makers.numbers()[Math.min(makers.numbers().length - 1, at >= 0 ? at : -at - 1)];
    }

    /** The numbers of the principals whose profile holds a call, and their cumulative activity weights. */
    private record Makers(int[] numbers, double[] cumulative) {

        static Makers of(List<Integer> numbers) {
            int[] n = numbers.stream().mapToInt(Integer::intValue).toArray();
            double[] cumulative = new double[n.length];
            double sum = 0;
            for (int k = 0; k < n.length; k++) {
                sum += 1.0 / (n[k] + 1);
                cumulative[k] = sum;
            }
            return new Makers(n, cumulative);
        }
    }

    private String background(Random rng, int account, String acct, long when, long i) {
        int callIndex = pickCall(rng);
        Call call = READS[callIndex];
        String region = region(account, rng);
        int kind = rng.nextInt(10);
        String identity;
        String ip;
        String agent;
        String resource;
        if (kind < 9) {
            // a human or an application: one of the principals whose profile holds this call, with its own stable
            // identifiers, resources, address (range) and client, as in real CloudTrail
            int principalKind = kind < 3 ? USER : SESSION;
            int n = busiest(holders(account)[principalKind][callIndex], rng);
            Random p = profileRandom(account, principalKind, n);
            String principalHex = hex(p, 16);
            String keyHex = hex(p, 16);
            String[] resources = new String[1 + p.nextInt(3)];
            for (int r = 0; r < resources.length; r++) {
                resources[r] = hex(p, 12).toLowerCase(Locale.ROOT);
            }
            resource = resources[rng.nextInt(resources.length)];
            if (principalKind == USER) {
                String user = "user" + n;
                identity = "{\"type\":\"IAMUser\",\"principalId\":\"AIDA" + principalHex
                        + "\",\"arn\":\"arn:aws:iam::" + acct + ":user/" + user + "\",\"accountId\":\"" + acct
                        + "\",\"accessKeyId\":\"AKIA" + keyHex + "\",\"userName\":\"" + user + "\"}";
                // an office or VPN egress address, sometimes another (home, travel)
                int office = 1 + p.nextInt(250);
                int other = 1 + p.nextInt(250);
                ip = "198.51.100." + (rng.nextInt(10) == 0 ? other : office);
                agent = AGENTS[p.nextInt(AGENTS.length)];
            } else {
                String role = "app-role-" + n % 25;
                String session = "session-" + n;
                Random r = profileRandom(account, ROLE, n % 25);
                identity = "{\"type\":\"AssumedRole\",\"principalId\":\"AROA" + principalHex + ":" + session
                        + "\",\"arn\":\"arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session
                        + "\",\"accountId\":\"" + acct + "\",\"accessKeyId\":\"ASIA" + keyHex
                        + "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROA"
                        + hex(r, 16) + "\",\"arn\":\"arn:aws:iam::" + acct + ":role/" + role
                        + "\",\"accountId\":\"" + acct + "\",\"userName\":\"" + role
                        + "\"},\"attributes\":{\"creationDate\":\"" + time(when - 600_000)
                        + "\",\"mfaAuthenticated\":\"false\"}}}";
                // its own subnet: the hosts or containers it runs on
                ip = "10." + p.nextInt(256) + "." + p.nextInt(256) + "." + (1 + rng.nextInt(250));
                agent = AGENTS[p.nextInt(3)];
            }
        } else {
            String service = SERVICE_PRINCIPALS[rng.nextInt(SERVICE_PRINCIPALS.length)];
            identity = "{\"type\":\"AWSService\",\"invokedBy\":\"" + service + "\"}";
            ip = service;
            agent = service;
            resource = hex(rng, 12).toLowerCase(Locale.ROOT);
        }
        String params = "{\"" + call.resourceKind() + "\":\"arn:aws:" + call.source().split("\\.")[0] + ":" + region
                + ":" + acct + ":resource/" + resource
                + "\",\"maxResults\":1000,\"filterSet\":{\"items\":[{\"name\":\"tag:team\",\"valueSet\":{\"items\":"
                + "[{\"value\":\"platform\"}]}}]},\"includeAllInstances\":false}";
        String response = call.readOnly() ? "null"
                : "{\"requestId\":\"" + uuid(rng) + "\",\"_return\":true}";
        return "{\"eventVersion\":\"1.09\",\"userIdentity\":" + identity + ",\"eventTime\":\"" + time(when)
                + "\",\"eventSource\":\"" + call.source() + "\",\"eventName\":\"" + call.name()
                + "\",\"awsRegion\":\"" + region + "\",\"sourceIPAddress\":\"" + ip + "\",\"userAgent\":\"" + agent
                + "\",\"requestParameters\":" + params + ",\"responseElements\":" + response
                + ",\"additionalEventData\":{\"SignatureVersion\":\"SigV4\",\"CipherSuite\":"
                + "\"TLS_AES_128_GCM_SHA256\",\"bytesTransferredIn\":0,\"AuthenticationMethod\":\"AuthHeader\","
                + "\"x-amz-id-2\":\"" + hex(rng, 64) + "\",\"bytesTransferredOut\":" + rng.nextInt(20_000) + "}"
                + ",\"requestID\":\"" + uuid(rng) + "\",\"eventID\":\"" + uuid(rng) + "\",\"readOnly\":"
                + call.readOnly() + ",\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
                + "\"recipientAccountId\":\"" + acct + "\",\"eventCategory\":\"Management\",\"tlsDetails\":"
                + "{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\","
                + "\"clientProvidedHostHeader\":\"" + call.source().replace("amazonaws.com", region + ".amazonaws.com")
                + "\"}}";
    }

    private static String attack(String kind, String acct, String principal, String ip, String eventId, long when,
                                 Random rng) {
        String region = "us-east-1";
        String agent = AGENTS[0];
        String roleIdentity = "{\"type\":\"AssumedRole\",\"principalId\":\"AROA" + hex(rng, 16) + ":" + principal
                + "\",\"arn\":\"arn:aws:sts::" + acct + ":assumed-role/OrganizationAccountAccessRole/" + principal
                + "\",\"accountId\":\"" + acct + "\",\"accessKeyId\":\"ASIA" + hex(rng, 16)
                + "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROA" + hex(rng, 16)
                + "\",\"arn\":\"arn:aws:iam::" + acct + ":role/OrganizationAccountAccessRole\",\"accountId\":\""
                + acct + "\",\"userName\":\"OrganizationAccountAccessRole\"},\"attributes\":{\"creationDate\":\""
                + time(when - 60_000) + "\",\"mfaAuthenticated\":\"false\"}}}";
        String common = ",\"requestID\":\"" + uuid(rng) + "\",\"eventID\":\"" + eventId
                + "\",\"managementEvent\":true,\"recipientAccountId\":\"" + acct
                + "\",\"eventCategory\":\"Management\",\"awsRegion\":\"" + region + "\",\"sourceIPAddress\":\"" + ip
                + "\",\"eventTime\":\"" + time(when) + "\",\"eventVersion\":\"1.09\"";
        return switch (kind) {
            case "stop" -> "{\"userIdentity\":" + roleIdentity + ",\"eventSource\":\"cloudtrail.amazonaws.com\","
                    + "\"eventName\":\"StopLogging\",\"userAgent\":\"" + agent + "\",\"requestParameters\":{\"name\":"
                    + "\"arn:aws:cloudtrail:us-east-1:" + acct + ":trail/org-trail\"},\"responseElements\":null,"
                    + "\"readOnly\":false,\"eventType\":\"AwsApiCall\"" + common + "}";
            case "sg" -> "{\"userIdentity\":" + roleIdentity + ",\"eventSource\":\"ec2.amazonaws.com\","
                    + "\"eventName\":\"AuthorizeSecurityGroupIngress\",\"userAgent\":\"" + agent
                    + "\",\"requestParameters\":{\"groupId\":\"sg-0" + hex(rng, 16).toLowerCase(Locale.ROOT)
                    + "\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,"
                    + "\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]},\"ipv6Ranges\":{},"
                    + "\"prefixListIds\":{}}]}},\"responseElements\":{\"requestId\":\"" + uuid(rng)
                    + "\",\"_return\":true},\"readOnly\":false,\"eventType\":\"AwsApiCall\"" + common + "}";
            case "fail" -> "{\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"" + acct
                    + "\",\"accountId\":\"" + acct + "\",\"accessKeyId\":\"\",\"userName\":\"" + principal
                    + "\"},\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"userAgent\":\""
                    + AGENTS[4] + "\",\"errorMessage\":\"Failed authentication\",\"requestParameters\":null,"
                    + "\"responseElements\":{\"ConsoleLogin\":\"Failure\"},\"additionalEventData\":{\"LoginTo\":"
                    + "\"https://console.aws.amazon.com/console/home\",\"MobileVersion\":\"No\",\"MFAUsed\":\"No\"},"
                    + "\"readOnly\":false,\"eventType\":\"AwsConsoleSignIn\"" + common + "}";
            default -> throw new IllegalStateException(kind);
        };
    }
}
