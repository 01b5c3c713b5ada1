package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.alertsOf;
import static dev.trailwatch.detector.detect.burst.BurstEvents.arn;
import static dev.trailwatch.detector.detect.burst.BurstEvents.at;
import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static dev.trailwatch.detector.detect.burst.BurstEvents.lateEventIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.BurstSettings;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One principal sweeping many distinct List/Describe/Get APIs across services. */
class DiscoveryBurstDetectorTest {

    private static final String ID = DiscoveryBurstDetector.ID;
    private static final String SCOPE = "burst.discovery.scope";

    /**
     * Every principal's calls counted ({@code burst.discovery.scope=all}): what most tests here look at. The default
     * scope ({@code refused}) has tests of its own below.
     */
    private static TopologyHarness harness() {
        return new TopologyHarness(Map.of(SCOPE, "all"), FlushSignal.never());
    }

    private static TopologyHarness harness(Map<String, String> settings) {
        return new TopologyHarness(settings, FlushSignal.never());
    }

    @Test
    void byDefaultAlertsMediumOnStratusEnumerationFromAnInstance() {
        try (TopologyHarness topology = new TopologyHarness()) {
            stratusEnumeration(0).forEach(topology::pipe);

            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                assertThat(alert.principal()).isEqualTo(INSTANCE_ARN);
                assertThat(alert.evidence()).containsEntry("instanceSession", true)
                        .containsEntry("distinctCalls", 8);
            });
        }
    }

    @Test
    void byDefaultAnInstanceSweepingWithTheRightsItHasIsCountedOnlyWithScopeAll() {
        // an EKS node's role: the VPC CNI, the kubelet and the cluster autoscaler read four services, all allowed
        String[][] node = {{"ec2.amazonaws.com", "DescribeNetworkInterfaces"}, {"ec2.amazonaws.com", "DescribeInstances"},
            {"ec2.amazonaws.com", "DescribeInstanceTypes"}, {"ecr.amazonaws.com", "GetAuthorizationToken"},
            {"ecr.amazonaws.com", "GetDownloadUrlForLayer"}, {"autoscaling.amazonaws.com", "DescribeAutoScalingGroups"},
            {"autoscaling.amazonaws.com", "DescribeTags"}, {"eks.amazonaws.com", "DescribeNodegroup"}};
        for (Map<String, String> settings : List.of(Map.<String, String>of(), Map.of(SCOPE, "all"))) {
            try (TopologyHarness topology = harness(settings)) {
                for (int i = 0; i < node.length; i++) {
                    topology.pipe(fromInstance(node[i][0], node[i][1], atSeconds(2L * i)));
                }
                if (settings.isEmpty()) {
                    assertThat(alertsOf(topology, ID)).as("default scope").isEmpty();
                } else {
                    assertThat(alertsOf(topology, ID)).singleElement()
                            .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.MEDIUM));
                }
            }
        }
    }

    @Test
    void byDefaultCountsRefusedCallsOfOtherPrincipalsButNotTheirAllowedOnes() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < STRATUS_CALLS.length; i++) {
                // the same sweep by three users: allowed throughout, refused throughout, half refused
                topology.pipe(byUser("auditor", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(3L * i)));
                topology.pipe(byUser("mallory", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(3L * i + 1))
                        .error("AccessDenied", "not authorized"));
                TestEvents half = byUser("eve", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(3L * i + 2));
                topology.pipe(i % 2 == 0 ? half.error("AccessDenied", "not authorized") : half);
            }

            // mallory's refused calls span six services (the alert at the eighth); eve's five are below the threshold
            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.principal()).isEqualTo("arn:aws:iam::111122223333:user/mallory");
                assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                assertThat(alert.evidence()).containsEntry("distinctCalls", 8);
            });
        }
    }

    @Test
    void scopeOffAndTheDeprecatedSwitchDecide() {
        for (Map<String, String> off : List.of(Map.of(SCOPE, "off"), Map.of("burst.discovery.enabled", "false"))) {
            try (TopologyHarness topology = harness(off)) {
                stratusEnumeration(0).forEach(topology::pipe);
                assertThat(alertsOf(topology, ID)).as("%s", off).isEmpty();
            }
        }
        // burst.discovery.enabled=true meant every principal before burst.discovery.scope existed, and still does
        try (TopologyHarness topology = harness(Map.of("burst.discovery.enabled", "true"))) {
            for (int i = 0; i < STRATUS_CALLS.length; i++) {
                topology.pipe(byUser("auditor", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(3L * i)));
            }
            assertThat(alertsOf(topology, ID)).singleElement()
                    .satisfies(alert -> assertThat(alert.severity()).isEqualTo(Severity.LOW));
        }
    }

    @Test
    void aScopeThatIsNotOneOfTheThreeFailsAtLoad() {
        assertThatThrownBy(() -> DetectorConfig.defaults().with(Map.of(SCOPE, "everyone")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("burst.discovery.scope").hasMessageContaining("expected refused, all or off");
        assertThatThrownBy(() -> DetectorConfig.defaults().with(Map.of("burst.discovery.enabled", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> DetectorConfig.defaults()
                .with(Map.of(SCOPE, "all", "burst.discovery.enabled", "false")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("are both set");
        assertThat(BurstSettings.discoveryScope(DetectorConfig.defaults()))
                .isEqualTo(BurstSettings.DiscoveryScope.REFUSED);
    }

    @Test
    void byDefaultRefusalsThatSayNothingAboutTheCallerDoNotCount() {
        try (TopologyHarness topology = new TopologyHarness()) {
            for (int i = 0; i < STRATUS_CALLS.length; i++) {
                String source = STRATUS_CALLS[i][0];
                String name = STRATUS_CALLS[i][1];
                // the console's back end for a person with a narrow role
                TestEvents console = byUser("intern", source, name, atSeconds(4L * i))
                        .error("AccessDenied", "not authorized");
                console.json().put("userAgent", "aws-internal/3 aws-sdk-java/1.12.720 Linux/5.10 OpenJDK_64-Bit");
                topology.pipe(console);
                // an inventory crawl into a region the organization closed
                topology.pipe(byUser("inventory", source, name, atSeconds(4L * i + 1)).error("AccessDenied",
                        "User: arn:aws:iam::111122223333:user/inventory is not authorized to perform: " + name
                                + " with an explicit deny in a service control policy"));
                // a service-linked role, and a call a service made in its own name
                TestEvents linked = TestEvents.event(source, name, atSeconds(4L * i + 2))
                        .error("AccessDenied", "not authorized");
                ((ObjectNode) linked.json().get("userIdentity")).put("type", "AssumedRole").put("arn",
                        "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/configsession");
                topology.pipe(linked);
                topology.pipe(byUser("deployer", source, name, atSeconds(4L * i + 3))
                        .sourceIp("cloudformation.amazonaws.com").error("AccessDenied", "not authorized"));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void withScopeAllARefusalByAServiceControlPolicyIsNotADenialThatRaisesTheSweep() {
        try (TopologyHarness topology = harness()) {
            for (int i = 0; i < STRATUS_CALLS.length; i++) {
                TestEvents call = byUser("inventory", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(i));
                topology.pipe(i < 4 ? call.error("AccessDenied", "User: arn:aws:iam::111122223333:user/inventory is"
                        + " not authorized to perform: x with an explicit deny in a service control policy") : call);
            }

            assertThat(alertsOf(topology, ID)).singleElement()
                    .satisfies(alert -> assertThat(alert.severity()).isEqualTo(Severity.LOW));
        }
    }

    @Test
    void withTheDefaultScopeEveryBurstIsMediumWhateverTheDeniedSettingSays() {
        try (TopologyHarness topology = harness(Map.of("burst.discovery.denied", "20"))) {
            for (int i = 0; i < STRATUS_CALLS.length; i++) {
                topology.pipe(byUser("mallory", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(i))
                        .error("AccessDenied", "not authorized"));
            }

            assertThat(alertsOf(topology, ID)).singleElement().satisfies(alert -> {
                assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
                assertThat(alert.evidence()).containsEntry("scope", "refused");
                assertThat(alert.description()).contains("was refused 8 distinct");
            });
        }
    }
    private static final String INSTANCE = "i-0adc17a5acb70d9ae";
    private static final String INSTANCE_ARN =
            "arn:aws:sts::" + TestEvents.ACCOUNT + ":assumed-role/stratus-instance-role/" + INSTANCE;

    /** Stratus ec2-enumerate-from-instance: the calls its SSM shell script makes, in order. */
    private static final String[][] STRATUS_CALLS = {
        {"sts.amazonaws.com", "GetCallerIdentity"}, {"s3.amazonaws.com", "ListBuckets"},
        {"iam.amazonaws.com", "GetAccountSummary"}, {"iam.amazonaws.com", "ListRoles"},
        {"iam.amazonaws.com", "ListUsers"}, {"iam.amazonaws.com", "GetAccountAuthorizationDetails"},
        {"ec2.amazonaws.com", "DescribeSnapshots"}, {"cloudtrail.amazonaws.com", "DescribeTrails"},
        {"guardduty.amazonaws.com", "ListDetectors"}};

    /** A call by the instance's role session, as CloudTrail records it: the session name is the instance id. */
    private static TestEvents fromInstance(String source, String name, Instant time) {
        TestEvents e = TestEvents.event(source, name, time).sourceIp("10.0.1.25");
        e.json().put("userAgent", "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2023 md/command#sts");
        e.json().put("readOnly", true);
        ObjectNode id = e.json().putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLEINSTANCE01:" + INSTANCE);
        id.put("arn", INSTANCE_ARN);
        id.put("accountId", TestEvents.ACCOUNT);
        id.put("accessKeyId", "ASIAEXAMPLEINSTANCE1");
        ObjectNode issuer = id.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role").put("principalId", "AROAEXAMPLEINSTANCE01")
                .put("arn", "arn:aws:iam::" + TestEvents.ACCOUNT + ":role/stratus-instance-role")
                .put("accountId", TestEvents.ACCOUNT).put("userName", "stratus-instance-role");
        return e;
    }

    private static List<TestEvents> stratusEnumeration(long startSeconds) {
        List<TestEvents> out = new ArrayList<>();
        for (int i = 0; i < STRATUS_CALLS.length; i++) {
            TestEvents e = fromInstance(STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(startSeconds + 2L * i));
            if (!STRATUS_CALLS[i][1].equals("GetCallerIdentity")) {
                e.error("AccessDenied", "User: " + INSTANCE_ARN + " is not authorized to perform this action");
            }
            out.add(e);
        }
        return out;
    }

    private static TestEvents byUser(String user, String source, String name, Instant time) {
        return TestEvents.event(source, name, time).user(user);
    }

    @Test
    void alertsMediumOnStratusEnumerationFromAnInstance() {
        try (TopologyHarness topology = harness()) {
            stratusEnumeration(0).forEach(topology::pipe);

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.principal()).isEqualTo(INSTANCE_ARN);
            assertThat(alert.mitre()).contains("T1580");
            assertThat(alert.evidence()).containsEntry("instanceSession", true).containsEntry("distinctCalls", 8);
            assertThat(alert.description()).contains("EC2 instance credentials");
        }
    }

    @Test
    void alertsLowForAUserSweepingServicesWithItsPermissionsAndMediumWhenProbingDeniedOnes() {
        try (TopologyHarness topology = harness()) {
            String[][] calls = {{"ec2", "DescribeInstances"}, {"ec2", "DescribeVpcs"}, {"s3", "ListBuckets"},
                {"iam", "ListUsers"}, {"iam", "ListRoles"}, {"lambda", "ListFunctions20150331"},
                {"rds", "DescribeDBInstances"}, {"kms", "ListKeys"}};
            for (int i = 0; i < calls.length; i++) {
                topology.pipe(byUser("auditor", calls[i][0] + ".amazonaws.com", calls[i][1], atSeconds(5L * i)));
                TestEvents probe = byUser("mallory", calls[i][0] + ".amazonaws.com", calls[i][1],
                        atSeconds(5L * i + 1));
                if (i < 3) {
                    probe.error("AccessDenied", "not authorized");
                }
                topology.pipe(probe);
            }

            assertThat(alertsOf(topology, ID)).extracting(Alert::principal, Alert::severity).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("arn:aws:iam::111122223333:user/auditor", Severity.LOW),
                    org.assertj.core.groups.Tuple.tuple("arn:aws:iam::111122223333:user/mallory", Severity.MEDIUM));
        }
    }

    @Test
    void aPersonRefusedWhileBrowsingTheConsoleStaysLow() {
        try (TopologyHarness topology = harness()) {
            for (int i = 0; i < STRATUS_CALLS.length; i++) {
                TestEvents browsing = byUser("intern", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(i))
                        .error("AccessDenied", "not authorized");
                browsing.json().put("userAgent",
                        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.4 Safari");
                topology.pipe(browsing);
            }

            assertThat(alertsOf(topology, ID)).singleElement()
                    .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.LOW));
        }
    }

    @Test
    void staysQuietForOneCallShortOfTheThresholdAndForFewServices() {
        try (TopologyHarness topology = harness()) {
            stratusEnumeration(0).subList(0, 7).forEach(topology::pipe);
            // An application reading its own two services: many distinct calls, repeated, but only 2 services.
            for (int i = 0; i < 40; i++) {
                topology.pipe(byUser("app", i % 2 == 0 ? "dynamodb.amazonaws.com" : "sqs.amazonaws.com",
                        (i % 2 == 0 ? "Describe" : "Get") + "Thing" + (i % 10), atSeconds(i)));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void staysQuietForTheConsoleAndForCallsSpreadBeyondTheWindow() {
        try (TopologyHarness topology = harness()) {
            for (int i = 0; i < STRATUS_CALLS.length; i++) {
                TestEvents console = byUser("admin", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(i));
                console.json().put("userAgent", "AWS Internal");
                topology.pipe(console);
                // Eleven minutes apart: never two of them within one ten-minute window.
                topology.pipe(byUser("slow", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1],
                        at(Duration.ofMinutes(11L * i))));
            }

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void repeatsOfKnownCallsNeitherAlertNorGrowTheBurst() {
        try (TopologyHarness topology = harness()) {
            for (int round = 0; round < 5; round++) {
                stratusEnumeration(20L * round).subList(0, 7).forEach(topology::pipe);
            }
            assertThat(alertsOf(topology, ID)).isEmpty();
            topology.pipe(stratusEnumeration(200).get(7));
            topology.pipe(byUser("later", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(2))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).extracting(Alert::alertId).containsOnly(alerts.get(0).alertId());
            assertThat(alerts.get(alerts.size() - 1).eventCount()).isEqualTo(8);
        }
    }

    @Test
    void raisesTheSameAlertsWhateverTheOrderOfArrivalWithinTheGrace() {
        List<TestEvents> events = new ArrayList<>(stratusEnumeration(250));
        events.addAll(stratusEnumeration(600));
        for (int i = 0; i < 30; i++) {
            events.add(byUser("app", "dynamodb.amazonaws.com", "GetItem", atSeconds(20L * i)));
        }
        // A user whose sweep turns MEDIUM by its denials: the last word must say so whatever call came last.
        for (int i = 0; i < STRATUS_CALLS.length; i++) {
            TestEvents call = byUser("mallory", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(330 + i));
            events.add(i % 3 == 0 ? call.error("AccessDenied", "not authorized") : call);
        }
        // Repeats of the sweep's calls in the same second: which one's id the alert lists is decided by the id.
        for (int i = 0; i < STRATUS_CALLS.length; i++) {
            events.add(byUser("mallory", STRATUS_CALLS[i][0], STRATUS_CALLS[i][1], atSeconds(330 + i))
                    .eventId(String.format("00000000-0000-0000-0000-%012d", i)));
        }
        TestEvents later = byUser("later", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(1)));
        Set<String> reference = null;
        for (long seed = 1; seed <= 4; seed++) {
            List<TestEvents> order = new ArrayList<>(events);
            Collections.shuffle(order, new Random(seed));
            try (TopologyHarness topology = harness()) {
                order.forEach(topology::pipe);
                topology.pipe(later);
                assertThat(lateEventIds(topology)).isEmpty();
                Set<String> outcome = lastWords(topology);
                if (reference == null) {
                    reference = outcome;
                    assertThat(outcome).isNotEmpty();
                } else {
                    assertThat(outcome).isEqualTo(reference);
                }
            }
        }
    }

    /**
     * Principals active for hours, so that the per-task mirror drops their old buckets (once per bucket of event
     * time) while sweeps keep coming, some across a bucket boundary: every arrival order within the grace gives the
     * alerts of event-time order.
     */
    @Test
    void longRunningPrincipalsGetTheSameAlertsWhateverTheOrderOfArrivalWithinTheGrace() {
        List<TestEvents> events = new ArrayList<>();
        long[] sweeps = {0, 35 * 60, 59 * 60 - 8, 70 * 60, 105 * 60, 118 * 60 + 55};
        for (String user : List.of("sweeper", "auditor")) {
            for (long start : sweeps) {
                for (int i = 0; i < STRATUS_CALLS.length; i++) {
                    TestEvents call = byUser(user, STRATUS_CALLS[i][0], STRATUS_CALLS[i][1],
                            atSeconds(start + 3L * i + (user.equals("auditor") ? 40 : 0)));
                    events.add(user.equals("auditor") && i % 2 == 0 ? call.error("AccessDenied", "no") : call);
                }
            }
            for (int i = 0; i < 13; i++) {
                events.add(byUser(user, "dynamodb.amazonaws.com", "GetItem", atSeconds(600L * i + 7)));
                events.add(byUser("app-" + user, "kms.amazonaws.com", "GetPublicKey", atSeconds(600L * i + 11)));
            }
        }
        events.sort(java.util.Comparator.comparing(DiscoveryBurstDetectorTest::timeOf));
        TestEvents later = byUser("later", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(4)));
        Set<String> reference = null;
        for (long seed = 0; seed <= 2; seed++) {
            List<TestEvents> order = new ArrayList<>(events);
            if (seed > 0) {
                // each event arrives up to 10 minutes after its event time (the grace is 15)
                Random random = new Random(seed);
                Map<TestEvents, Long> arrival = new java.util.IdentityHashMap<>();
                order.forEach(e -> arrival.put(e, timeOf(e).toEpochMilli() + random.nextInt(600_000)));
                order.sort(java.util.Comparator.comparing(arrival::get));
            }
            try (TopologyHarness topology = harness()) {
                order.forEach(topology::pipe);
                topology.pipe(later);
                assertThat(lateEventIds(topology)).isEmpty();
                Set<String> outcome = lastWords(topology);
                if (reference == null) {
                    reference = outcome;
                    // two principals, a sweep each at six times: pairs that qualify, more than one per sweep
                    // where a sweep crosses a bucket boundary
                    assertThat(outcome).hasSizeGreaterThanOrEqualTo(2 * sweeps.length);
                } else {
                    assertThat(outcome).as("arrival order " + seed).isEqualTo(reference);
                }
            }
        }
    }

    /**
     * The default scope ({@code refused}) in any arrival order within the grace: which calls count is decided on each
     * event alone, and each call's listed occurrence is its earliest by (event time, event id), so every order gives
     * the alerts of event-time order. Principals crossing the threshold, one call short, and refusals that must not
     * count (in the browser, by the console's back end, by a service control policy) mixed with allowed calls.
     */
    @Test
    void byDefaultRaisesTheSameAlertsWhateverTheOrderOfArrivalWithinTheGrace() {
        List<TestEvents> events = new ArrayList<>();
        String[][] probes = Arrays.copyOfRange(STRATUS_CALLS, 1, STRATUS_CALLS.length); // 8 calls, 5 services
        // mallory: 8 refused calls over a bucket boundary (300 s), a repeat of the first in the same second whose
        // smaller id is the one listed, later repeats in the same bucket and the next, and allowed calls that do not
        // count: an earlier ListRoles, two more services' reads
        for (int i = 0; i < probes.length; i++) {
            TestEvents call = refused(byUser("mallory", probes[i][0], probes[i][1], atSeconds(240 + 20L * i)));
            events.add(i == 0 ? call.eventId(id(2)) : call);
        }
        events.add(refused(byUser("mallory", probes[0][0], probes[0][1], atSeconds(240))).eventId(id(1)));
        events.add(refused(byUser("mallory", probes[0][0], probes[0][1], atSeconds(290))));
        events.add(refused(byUser("mallory", probes[0][0], probes[0][1], atSeconds(400))));
        events.add(refused(byUser("mallory", probes[5][0], probes[5][1], atSeconds(395))));
        events.add(byUser("mallory", "iam.amazonaws.com", "ListRoles", atSeconds(100)));
        events.add(byUser("mallory", "lambda.amazonaws.com", "ListFunctions20150331", atSeconds(250)));
        events.add(byUser("mallory", "rds.amazonaws.com", "DescribeDBInstances", atSeconds(255)));
        for (int i = 0; i < probes.length; i++) {
            // eve: seven refused, the eighth allowed
            TestEvents eve = byUser("eve", probes[i][0], probes[i][1], atSeconds(200 + 15L * i));
            events.add(i < 7 ? refused(eve) : eve);
            // dave: eight refused, across the bucket boundary at 600 s, each repeated 5 s later
            events.add(refused(byUser("dave", probes[i][0], probes[i][1], atSeconds(560 + 10L * i))));
            events.add(refused(byUser("dave", probes[i][0], probes[i][1], atSeconds(565 + 10L * i))));
            // carol: seven refused by IAM, the eighth by a service control policy
            TestEvents carol = byUser("carol", probes[i][0], probes[i][1], atSeconds(310 + 10L * i));
            events.add(i < 7 ? refused(carol) : carol.error("AccessDenied", "User: " + arn("carol")
                    + " is not authorized to perform: x with an explicit deny in a service control policy"));
        }
        // carol again: refused in the browser and by the console's back end, two more services that do not count
        TestEvents browser = refused(byUser("carol", "kms.amazonaws.com", "ListKeys", atSeconds(330)));
        browser.json().put("userAgent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Version/17.4 Safari");
        TestEvents backEnd = refused(byUser("carol", "rds.amazonaws.com", "DescribeDBInstances", atSeconds(335)));
        backEnd.json().put("userAgent", "aws-internal/3 aws-sdk-java/1.12.720 Linux/5.10 OpenJDK_64-Bit");
        events.addAll(List.of(browser, backEnd));
        // the instance's role: Stratus ec2-enumerate-from-instance, eight of nine calls refused
        events.addAll(stratusEnumeration(500));
        events.sort(java.util.Comparator.comparing(DiscoveryBurstDetectorTest::timeOf)); // stable: id 2 before id 1
        TestEvents later = byUser("later", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(1)));

        Map<String, String> inOrder = lastWordsByPrincipal(run(events, later));
        assertThat(inOrder).containsOnlyKeys(arn("mallory"), arn("dave"), INSTANCE_ARN);
        assertThat(inOrder.get(arn("mallory"))).startsWith("MEDIUM 8 ")
                .contains("[" + id(1) + ", ").doesNotContain(id(2))
                .contains("iam.amazonaws.com:ListRoles").doesNotContain("lambda", "rds")
                .endsWith(atSeconds(240) + ".." + atSeconds(380));
        for (long seed = 1; seed <= 20; seed++) {
            List<TestEvents> order = new ArrayList<>(events);
            Collections.shuffle(order, new Random(seed));
            assertThat(lastWordsByPrincipal(run(order, later))).as("arrival order %d", seed).isEqualTo(inOrder);
        }
    }

    private static TestEvents refused(TestEvents call) {
        return call.error("AccessDenied", "not authorized");
    }

    private static String id(int n) {
        return String.format("00000000-0000-0000-0000-%012d", n);
    }

    /** The default scope's alerts, the given events then one an hour on closing every window; none late. */
    private static List<Alert> run(List<TestEvents> events, TestEvents later) {
        try (TopologyHarness topology = new TopologyHarness()) {
            events.forEach(topology::pipe);
            topology.pipe(later);
            assertThat(lateEventIds(topology)).isEmpty();
            return alertsOf(topology, ID);
        }
    }

    /**
     * The last word on each alert, by principal (each has one): its id, severity, count, calls, refused calls, event
     * ids and times.
     */
    private static Map<String, String> lastWordsByPrincipal(List<Alert> alerts) {
        Map<String, Alert> last = new java.util.TreeMap<>();
        alerts.forEach(a -> last.merge(a.principal(), a, (before, after) -> {
            assertThat(after.alertId()).as("one alert per principal").isEqualTo(before.alertId());
            return after;
        }));
        Map<String, String> words = new java.util.TreeMap<>();
        last.forEach((principal, a) -> words.put(principal, a.severity() + " " + a.eventCount() + " " + a.alertId()
                + " calls " + a.evidence().get("calls") + " refused " + a.evidence().get("deniedCalls") + " events "
                + a.eventIds() + " " + a.firstEventTime() + ".." + a.lastEventTime()));
        return words;
    }

    /**
     * The last word on each alert id, as a reader compares it: calls, denied calls, severity, count, event ids and
     * times of the last record with that id.
     */
    private static Set<String> lastWords(TopologyHarness topology) {
        return alertsOf(topology, ID).stream()
                .collect(Collectors.toMap(Alert::alertId, a -> a, (a, b) -> b)).values().stream()
                .map(a -> a.alertId() + a.severity() + a.eventCount() + a.evidence().get("calls")
                        + a.evidence().get("deniedCalls") + a.eventIds() + a.firstEventTime() + a.lastEventTime())
                .collect(Collectors.toSet());
    }

    private static Instant timeOf(TestEvents event) {
        return Instant.parse(event.json().get("eventTime").asText());
    }

    @Test
    void callsJoiningAnAlertedBurstAreReportedWithinTheWallClockBound() {
        try (TopologyHarness topology = new TopologyHarness(Map.of(SCOPE, "all", "alerts.report-within", "2m"), FlushSignal.never())) {
            List<TestEvents> sweep = stratusEnumeration(0);
            sweep.subList(0, 8).forEach(topology::pipe);
            assertThat(alertsOf(topology, ID)).singleElement().satisfies(a -> assertThat(a.eventCount()).isEqualTo(8));

            topology.pipe(sweep.get(8));
            topology.advanceWallClock(Duration.ofMinutes(3));

            List<Alert> updates = alertsOf(topology, ID);
            assertThat(updates).singleElement().satisfies(a -> {
                assertThat(a.eventCount()).isEqualTo(9);
                assertThat(a.evidence().get("calls").toString()).contains("guardduty.amazonaws.com:ListDetectors");
            });
            topology.pipe(byUser("later", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(1))));
            assertThat(alertsOf(topology, ID)).as("nothing new to report when the window closes").isEmpty();
        }
    }

    @Test
    void aSweepWithinOneBucketAlertsOnceAndListsItsFirstOccurrences() {
        try (TopologyHarness topology = harness()) {
            List<TestEvents> sweep = stratusEnumeration(0);
            sweep.forEach(topology::pipe);
            stratusEnumeration(60).forEach(topology::pipe);
            topology.pipe(byUser("later", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(1))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).extracting(Alert::alertId).containsOnly(alerts.get(0).alertId());
            Alert last = alerts.get(alerts.size() - 1);
            assertThat(last.eventCount()).isEqualTo(9);
            assertThat(last.eventIds()).containsExactlyElementsOf(sweep.stream().map(TestEvents::eventId).toList());
            assertThat(last.firstEventTime()).isEqualTo(atSeconds(0));
            assertThat(last.lastEventTime()).isEqualTo(atSeconds(16));
        }
    }

    /**
     * {@code burst.grace} shorter than {@code reorder.horizon}: a call one horizon behind is within the contract
     * (issue 10), so it still joins its burst as in event-time order, instead of being dead-lettered once its bucket
     * pair plus the grace alone has passed.
     */
    @Test
    void countsACallExactlyOneHorizonBehindWhenTheGraceIsShorter() {
        List<TestEvents> calls = stratusEnumeration(60);
        TestEvents last = calls.get(calls.size() - 1);
        TestEvents oneHorizonOn = byUser("app", "ec2.amazonaws.com", "DescribeRegions",
                timeOf(last).plus(Duration.ofMinutes(15)));
        TestEvents end = byUser("app", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(3)));
        List<TestEvents> sorted = new ArrayList<>(calls);
        sorted.addAll(List.of(oneHorizonOn, end));
        List<TestEvents> lastOneHorizonBehind = new ArrayList<>(calls.subList(0, calls.size() - 1));
        lastOneHorizonBehind.addAll(List.of(oneHorizonOn, last, end));

        Set<String> expected = null;
        for (List<TestEvents> order : List.of(sorted, lastOneHorizonBehind)) {
            try (TopologyHarness topology = new TopologyHarness(
                    Map.of(SCOPE, "all", "burst.grace", "5m", "reorder.horizon", "15m"), FlushSignal.never())) {
                order.forEach(topology::pipe);
                assertThat(lateEventIds(topology)).doesNotContain(last.eventId());
                Set<String> words = lastWords(topology);
                if (expected == null) {
                    assertThat(words).hasSize(1);
                    expected = words;
                }
                assertThat(words).isEqualTo(expected);
            }
        }
    }

    @Test
    void anEventBeyondItsWindowAndGraceIsDeadLettered() {
        try (TopologyHarness topology = harness()) {
            topology.pipe(byUser("app", "ec2.amazonaws.com", "DescribeRegions", at(Duration.ofHours(1))));
            TestEvents old = byUser("app", "ec2.amazonaws.com", "DescribeVpcs", at(Duration.ZERO));
            topology.pipe(old);

            assertThat(lateEventIds(topology)).containsExactly(old.eventId());
        }
    }

    @Test
    void recognisesInstanceSessionsByTheirSessionName() {
        assertThat(DiscoveryBurstDetector.isInstanceSession(INSTANCE_ARN)).isTrue();
        assertThat(DiscoveryBurstDetector.isInstanceSession(
                "arn:aws:sts::111122223333:assumed-role/deploy/i-am-a-person")).isFalse();
        assertThat(DiscoveryBurstDetector.isInstanceSession("arn:aws:iam::111122223333:user/i-0adc17a5")).isFalse();
        assertThat(DiscoveryBurstDetector.isInstanceSession("arn:aws:sts::111122223333:assumed-role/web/i-0adc17a5"))
                .isTrue();
        assertThat(DiscoveryBurstDetector.isInstanceSession("arn:aws:sts::111122223333:assumed-role/web/i-0ADC17A5"))
                .as("upper-case hex, as anonymised logs write it, is an instance too").isTrue();
        assertThat(DiscoveryBurstDetector.isInstanceSession("arn:aws:sts::111122223333:assumed-role/web/i-0adc17g5"))
                .as("hex digits only").isFalse();
        assertThat(DiscoveryBurstDetector.isInstanceSession("arn:aws:sts::111122223333:assumed-role/web/i-0adc17a59"))
                .as("8 or 17 digits").isFalse();
        assertThat(DiscoveryBurstDetector.isInstanceSession(
                "arn:aws:sts::111122223333:federated-user/i-0adc17a5ad17a5ad1")).isFalse();
        assertThat(DiscoveryBurstDetector.isInstanceSession(null)).isFalse();
    }
}
