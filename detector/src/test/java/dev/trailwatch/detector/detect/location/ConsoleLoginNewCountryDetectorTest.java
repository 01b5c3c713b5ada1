package dev.trailwatch.detector.detect.location;

import static dev.trailwatch.detector.detect.location.LoginEvents.DE_STRATO;
import static dev.trailwatch.detector.detect.location.LoginEvents.GB_AAISP;
import static dev.trailwatch.detector.detect.location.LoginEvents.JP_WIDE;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_GOOGLE;
import static dev.trailwatch.detector.detect.location.LoginEvents.alertsOf;
import static dev.trailwatch.detector.detect.location.LoginEvents.failedLogin;
import static dev.trailwatch.detector.detect.location.LoginEvents.login;
import static dev.trailwatch.detector.detect.location.LoginEvents.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.geoip.GeoIpDatabases;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.IpLocation;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.topology.DetectorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Console sign-in from a new country, in event time on the real topology with the real test databases: learning
 * period, the reorder horizon and arrival order, what counts, users apart, TTL, end of input and the wall-clock bound.
 */
class ConsoleLoginNewCountryDetectorTest {

    private static final String ID = ConsoleLoginNewCountryDetector.ID;
    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final Duration LEARNING = Duration.ofDays(14);
    private static final Duration HORIZON = Duration.ofMinutes(15);
    private static final Instant AFTER = T0.plus(LEARNING).plus(Duration.ofDays(1));

    @Test
    void alertsWhenAUserSignsInFromANewCountryAfterTheLearningPeriod() {
        try (TopologyHarness topology = harness(Map.of("accounts.known", LoginEvents.ACCOUNT + "=prod-payments"))) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", GB_AAISP, T0.plus(Duration.ofDays(2))));
            TestEvents berlin = login("alice", DE_STRATO, AFTER);
            topology.pipe(berlin);
            topology.pipe(tick(AFTER.plus(HORIZON)));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(alert.principal()).isEqualTo("arn:aws:iam::" + LoginEvents.ACCOUNT + ":user/alice");
            assertThat(alert.sourceIp()).isEqualTo(DE_STRATO);
            assertThat(alert.eventName()).isEqualTo("ConsoleLogin");
            assertThat(alert.eventIds()).containsExactly(berlin.eventId());
            assertThat(alert.firstEventTime()).isEqualTo(AFTER);
            assertThat(alert.mitre()).containsExactly("T1078.004");
            assertThat(alert.title()).contains("DE").contains("alice");
            assertThat(alert.evidence()).containsEntry("newCountry", "DE")
                    .containsEntry("knownCountries", List.of("GB", "US"))
                    .containsEntry("asn", 6724)
                    .containsEntry("asOrganization", "Strato AG")
                    .containsEntry("baselineSince", T0.toString());
            // The analyst context every alert gets: account, human, and where the IP is.
            assertThat(alert.accountName()).isEqualTo("prod-payments");
            assertThat(alert.context().source()).isEqualTo(new IpLocation("DE", 6724L, "Strato AG"));
            assertThat(alert.context().actor().human()).isEqualTo("alice");
        }
    }

    @Test
    void staysQuietWhileTheUserIsLearningAndAlertsFromTheFirstMomentAfter() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", GB_AAISP, T0.plus(Duration.ofDays(3))));
            topology.pipe(login("alice", DE_STRATO, T0.plus(LEARNING).minusMillis(1)));
            topology.pipe(login("alice", JP_WIDE, T0.plus(LEARNING)));
            topology.pipe(tick(T0.plus(LEARNING).plus(HORIZON)));

            assertThat(alertsOf(topology, ID)).extracting(a -> a.evidence().get("newCountry")).containsExactly("JP");
        }
    }

    @Test
    void holdsTheAlertUntilEventTimePassesTheReorderHorizon() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", DE_STRATO, AFTER));
            topology.pipe(tick(AFTER.plus(HORIZON).minusMillis(1)));
            assertThat(alertsOf(topology, ID)).isEmpty();

            topology.pipe(tick(AFTER.plus(HORIZON)));
            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void alertsOnTheEarliestSignInFromTheCountryWhateverTheArrivalOrder() {
        TestEvents first = login("alice", DE_STRATO, AFTER);
        TestEvents second = login("alice", DE_STRATO, AFTER.plus(Duration.ofMinutes(6)));
        TestEvents third = login("alice", DE_STRATO, AFTER.plus(Duration.ofMinutes(12)));
        List<List<TestEvents>> orders = List.of(List.of(first, second, third), List.of(third, second, first),
                List.of(second, third, first), List.of(third, first, second));
        List<String> seen = null;
        for (List<TestEvents> order : orders) {
            try (TopologyHarness topology = harness(Map.of())) {
                topology.pipe(login("alice", US_GOOGLE, T0));
                order.forEach(topology::pipe);
                topology.pipe(tick(AFTER.plus(Duration.ofHours(1))));

                List<Alert> alerts = alertsOf(topology, ID);
                assertThat(alerts).as("order %s", order.stream().map(TestEvents::eventId).toList()).hasSize(1);
                Alert alert = alerts.get(0);
                assertThat(alert.eventIds()).containsExactly(first.eventId());
                assertThat(alert.firstEventTime()).isEqualTo(AFTER);
                List<String> identity = List.of(alert.alertId(), alert.description(), alert.evidence().toString());
                if (seen == null) {
                    seen = identity;
                }
                assertThat(identity).isEqualTo(seen);
            }
        }
    }

    @Test
    void raisesTheSameAlertsWhenSignInsOfSeveralUsersArriveShuffledWithinTheHorizon() {
        List<TestEvents> history = new ArrayList<>();
        for (String user : List.of("alice", "bob", "carol")) {
            history.add(login(user, US_GOOGLE, T0));
        }
        // The same minutes after learning: alice travels to DE, bob to GB then JP, carol stays at home.
        String[][] trips = {{"alice", DE_STRATO}, {"bob", GB_AAISP}, {"carol", US_GOOGLE}, {"alice", DE_STRATO},
            {"bob", JP_WIDE}, {"carol", US_GOOGLE}, {"alice", GB_AAISP}, {"bob", GB_AAISP}};
        List<TestEvents> burst = new ArrayList<>();
        for (int i = 0; i < trips.length; i++) {
            burst.add(login(trips[i][0], trips[i][1], AFTER.plus(Duration.ofMinutes(i))));
        }
        List<String> expected = null;
        for (int seed = 0; seed < 6; seed++) {
            List<TestEvents> order = new ArrayList<>(burst);
            if (seed > 0) {
                Collections.shuffle(order, new Random(seed));
            }
            try (TopologyHarness topology = harness(Map.of())) {
                history.forEach(topology::pipe);
                order.forEach(topology::pipe);
                topology.pipe(tick(AFTER.plus(Duration.ofHours(1))));

                List<String> alerts = alertsOf(topology, ID).stream()
                        .map(a -> a.alertId() + " " + a.eventIds() + " " + a.evidence()).sorted().toList();
                if (expected == null) {
                    expected = alerts;
                    assertThat(alerts).hasSize(4);
                }
                assertThat(alerts).as("shuffle %d", seed).isEqualTo(expected);
            }
        }
    }

    /**
     * The contract's boundary (issue 10): a sign-in exactly one horizon behind the latest event time is within it. The
     * earliest sign-in from the new country arrives when event time is exactly one horizon past it: the alert still
     * names it, as in event-time order.
     */
    @Test
    void alertsOnTheEarliestSignInFromTheCountryWhenItArrivesExactlyOneHorizonBehind() {
        TestEvents first = login("alice", DE_STRATO, AFTER);
        // held one second after the first: released a second early, it would take the alert
        TestEvents second = login("alice", DE_STRATO, AFTER.plusSeconds(1));
        TestEvents oneHorizonOn = tick(AFTER.plus(HORIZON));
        TestEvents end = tick(AFTER.plus(Duration.ofHours(1)));

        List<String> sorted = alertsInOrder(first, second, oneHorizonOn, end);
        List<String> firstOneHorizonBehind = alertsInOrder(second, oneHorizonOn, first, end);

        assertThat(sorted).hasSize(1).allMatch(alert -> alert.contains(first.eventId()));
        assertThat(firstOneHorizonBehind).isEqualTo(sorted);
    }

    /** The same for an earlier sign-in inside the learning period: exactly one horizon behind, it still cancels. */
    @Test
    void staysQuietWhenAnEarlierSignInFromTheCountryInsideTheLearningPeriodArrivesExactlyOneHorizonBehind() {
        Instant learningEnds = T0.plus(LEARNING);
        TestEvents learning = login("alice", DE_STRATO, learningEnds.minus(Duration.ofMinutes(3)));
        TestEvents after = login("alice", DE_STRATO, learningEnds.plus(Duration.ofMinutes(2)));
        TestEvents oneHorizonOn = tick(learningEnds.minus(Duration.ofMinutes(3)).plus(HORIZON));
        TestEvents end = tick(learningEnds.plus(Duration.ofHours(1)));

        assertThat(alertsInOrder(learning, after, oneHorizonOn, end)).isEmpty();
        assertThat(alertsInOrder(after, oneHorizonOn, learning, end)).isEmpty();
    }

    /** The new-country alerts (id, events, evidence) of alice's US history followed by these records in this order. */
    private static List<String> alertsInOrder(TestEvents... order) {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            for (TestEvents event : order) {
                topology.pipe(event);
            }
            return alertsOf(topology, ID).stream()
                    .map(a -> a.alertId() + " " + a.severity() + " " + a.eventIds() + " " + a.eventCount() + " "
                            + a.evidence()).toList();
        }
    }

    @Test
    void staysQuietWhenAnEarlierSignInFromTheCountryInsideTheLearningPeriodArrivesLate() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            Instant end = T0.plus(LEARNING);
            topology.pipe(login("alice", DE_STRATO, end.plus(Duration.ofMinutes(2))));
            // Delivered late, but within the horizon: the user already signed in from DE while learning.
            topology.pipe(login("alice", DE_STRATO, end.minus(Duration.ofMinutes(3))));
            topology.pipe(tick(end.plus(Duration.ofHours(1))));

            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void alertsOnceWhileTheUserKeepsSigningInFromTheNewCountry() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            for (int day = 0; day < 5; day++) {
                topology.pipe(login("alice", DE_STRATO, AFTER.plus(Duration.ofDays(day))));
            }
            topology.pipe(tick(AFTER.plus(Duration.ofDays(6))));

            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void learnsNothingFromFailedSignInsOrAddressesNoDatabaseLocates() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            // Someone failing to sign in as alice from DE during learning does not make DE hers.
            topology.pipe(failedLogin("alice", DE_STRATO, T0.plus(Duration.ofDays(1))));
            // Private and service addresses have no country: neither learned nor alerted.
            topology.pipe(login("alice", "10.20.30.40", AFTER));
            topology.pipe(failedLogin("alice", GB_AAISP, AFTER));
            topology.pipe(login("alice", DE_STRATO, AFTER.plus(Duration.ofHours(1))));
            topology.pipe(tick(AFTER.plus(Duration.ofHours(2))));

            assertThat(alertsOf(topology, ID)).extracting(a -> a.evidence().get("newCountry")).containsExactly("DE");
        }
    }

    @Test
    void keepsEachUsersBaselineApart() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("bob", DE_STRATO, T0));
            // Bob's country is not Alice's: she alerts; bob, first seen at T0 too, signs in from DE as ever.
            topology.pipe(login("alice", DE_STRATO, AFTER));
            topology.pipe(login("bob", DE_STRATO, AFTER));
            // Carol is new after everyone else's learning: she learns first.
            topology.pipe(login("carol", JP_WIDE, AFTER));
            topology.pipe(login("carol", GB_AAISP, AFTER.plus(Duration.ofDays(1))));
            topology.pipe(tick(AFTER.plus(Duration.ofDays(2))));

            assertThat(alertsOf(topology, ID)).extracting(Alert::principal)
                    .containsExactly("arn:aws:iam::" + LoginEvents.ACCOUNT + ":user/alice");
        }
    }

    @Test
    void alertsAgainWhenTheCountryWasUnusedForLongerThanTheTtl() {
        try (TopologyHarness topology = harness(Map.of("login-location.ttl", "30d"))) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", GB_AAISP, T0.plus(Duration.ofDays(1))));
            for (int day = 10; day <= 60; day += 10) {
                topology.pipe(login("alice", US_GOOGLE, T0.plus(Duration.ofDays(day))));
            }
            // GB last used on day 1: forgotten 30 days later.
            topology.pipe(login("alice", GB_AAISP, T0.plus(Duration.ofDays(62))));
            topology.pipe(tick(T0.plus(Duration.ofDays(63))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).extracting(a -> a.evidence().get("newCountry")).containsExactly("GB");
            assertThat(alerts.get(0).evidence()).containsEntry("knownCountries", List.of("US"));
        }
    }

    @Test
    void sendsHeldAlertsAtTheEndOfTheInputAsAScanDoes() {
        FlushSignal flush = FlushSignal.onRequest();
        try (TopologyHarness topology = new TopologyHarness(settings(Map.of()), flush)) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", DE_STRATO, AFTER));
            assertThat(alertsOf(topology, ID)).isEmpty();

            flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void sendsAHeldAlertWithinTheReportBoundWhenThePartitionGoesQuiet() {
        try (TopologyHarness topology = harness(Map.of())) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", DE_STRATO, AFTER));
            topology.advanceWallClock(Duration.ofMinutes(4));
            assertThat(alertsOf(topology, ID)).isEmpty();

            topology.advanceWallClock(Duration.ofMinutes(2));
            assertThat(alertsOf(topology, ID)).hasSize(1);
        }
    }

    @Test
    void addsNothingToTheTopologyWithoutADatabase() {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        String described = DetectorTopology.build(DetectorConfig.defaults(), TopologyHarness.rules(), metrics)
                .describe().toString();

        assertThat(described).doesNotContain(LoginLocationFamily.NAME);
    }

    @Test
    void namesEveryProcessorAndStoreItAddsWhenADatabaseIsSet() {
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        String described = DetectorTopology.build(DetectorConfig.defaults().with(settings(Map.of())),
                TopologyHarness.rules(), metrics).describe().toString();

        assertThat(described).contains("Processor: " + LoginLocationFamily.NAME + " (stores: [")
                .contains(LoginLocationFamily.NAME + "-baseline").contains(LoginLocationFamily.NAME + "-timers")
                .doesNotContain("KSTREAM-").doesNotContain("-STATE-STORE-");
    }

    private static TopologyHarness harness(Map<String, String> extra) {
        return new TopologyHarness(settings(extra), FlushSignal.never());
    }

    /** The real test databases, plus {@code extra}; skips the test when they have not been fetched. */
    static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(GeoIpDatabases.settings());
        settings.putAll(extra);
        return settings;
    }
}
