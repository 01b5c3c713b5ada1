package dev.trailwatch.detector.detect.location;

import static dev.trailwatch.detector.detect.location.ConsoleLoginNewCountryDetectorTest.settings;
import static dev.trailwatch.detector.detect.location.LoginEvents.DE_STRATO;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_AMAZON;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_GOOGLE;
import static dev.trailwatch.detector.detect.location.LoginEvents.US_LEVEL3;
import static dev.trailwatch.detector.detect.location.LoginEvents.alertsOf;
import static dev.trailwatch.detector.detect.location.LoginEvents.login;
import static dev.trailwatch.detector.detect.location.LoginEvents.ssoLogin;
import static dev.trailwatch.detector.detect.location.LoginEvents.tick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Console sign-in from a new network in a known country; one user across Identity Center permission sets. */
class ConsoleLoginNewAsnDetectorTest {

    private static final String ID = ConsoleLoginNewAsnDetector.ID;
    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final Instant AFTER = T0.plus(Duration.ofDays(15));

    @Test
    void alertsLowWhenTheUserSignsInFromANewNetworkInAKnownCountry() {
        try (TopologyHarness topology = harness()) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", US_LEVEL3, T0.plus(Duration.ofDays(1))));
            TestEvents fromAws = login("alice", US_AMAZON, AFTER);
            topology.pipe(fromAws);
            topology.pipe(tick(AFTER.plus(Duration.ofHours(1))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.severity()).isEqualTo(Severity.LOW);
            assertThat(alert.eventIds()).containsExactly(fromAws.eventId());
            assertThat(alert.title()).contains("AS16509").contains("Amazon.com, Inc.");
            assertThat(alert.evidence()).containsEntry("newAsn", 16509)
                    .containsEntry("asOrganization", "Amazon.com, Inc.")
                    .containsEntry("knownAsns", List.of(3356, 15169))
                    .containsEntry("country", "US");
            assertThat(alertsOf(topology, ConsoleLoginNewCountryDetector.ID)).isEmpty();
        }
    }

    @Test
    void raisesOnlyTheCountryAlertWhenCountryAndNetworkAreBothNew() {
        try (TopologyHarness topology = harness()) {
            topology.pipe(login("alice", US_GOOGLE, T0));
            topology.pipe(login("alice", DE_STRATO, AFTER));
            topology.pipe(tick(AFTER.plus(Duration.ofHours(1))));

            assertThat(alertsOf(topology, ConsoleLoginNewCountryDetector.ID)).hasSize(1);
            assertThat(alertsOf(topology, ID)).isEmpty();
        }
    }

    @Test
    void takesAnIdentityCenterUserAcrossPermissionSetsAsOneUser() {
        try (TopologyHarness topology = harness()) {
            topology.pipe(ssoLogin("AdministratorAccess", "alice@example.com", US_GOOGLE, T0));
            // Another permission set, after alice's learning period: she is not a new user learning again.
            topology.pipe(ssoLogin("ReadOnlyAccess", "alice@example.com", US_LEVEL3, AFTER));
            topology.pipe(tick(AFTER.plus(Duration.ofHours(1))));

            List<Alert> alerts = alertsOf(topology, ID);
            assertThat(alerts).hasSize(1);
            AlertContext.Actor actor = alerts.get(0).context().actor();
            assertThat(actor.human()).isEqualTo("alice@example.com");
            assertThat(actor.humanFrom()).isEqualTo("identityCenter");
            assertThat(actor.role()).isEqualTo("AWSReservedSSO_ReadOnlyAccess_0123456789abcdef");
        }
    }

    private static TopologyHarness harness() {
        return new TopologyHarness(settings(Map.of()), FlushSignal.never());
    }
}
