package dev.trailwatch.detector.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.TopologyHarness;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The bundled scenario through every detection: nine days of three accounts' background activity with an intrusion
 * in it (the same records `trailwatch demo` replays). Every attack step must be flagged by the detection made for
 * it, and the background, near misses included, must raise nothing at MEDIUM or above.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttackScenarioTest {

    /** Attack step (as the sample generator names it) -> the detections that must flag its events. */
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("failed-console-login-burst", List.of("failed-console-login-burst")),
            Map.entry("console-login-without-mfa", List.of("console-login-without-mfa", "console-bruteforce-success")),
            Map.entry("access-denied-burst", List.of("access-denied-burst")),
            Map.entry("security-group-open-to-world", List.of("security-group-changed")),
            Map.entry("access-key-for-another-user", List.of("iam-access-key-created")),
            Map.entry("role-trust-opened", List.of("iam-role-trust-policy-changed")),
            Map.entry("foreign-account-access", List.of("foreign-account")),
            Map.entry("root-console-login", List.of("root-console-login")),
            Map.entry("cloudtrail-logging-stopped", List.of("cloudtrail-logging-stopped")),
            Map.entry("first-use-of-region", List.of("first-region-use")),
            Map.entry("first-use-of-service", List.of("first-service-use")));

    private SampleLogGenerator.Samples samples;
    private List<Alert> alerts;

    @BeforeAll
    void replayTheScenario() {
        samples = SampleLogGenerator.generate();
        List<ObjectNode> records = new ArrayList<>();
        samples.files().values().forEach(records::addAll);
        records.sort(Comparator.comparing(r -> r.get("eventTime").asText()));
        try (TopologyHarness topology = new TopologyHarness(Map.of(), FlushSignal.onRequest())) {
            records.forEach(topology::pipeJson);
            topology.flush.request();
            topology.advanceWallClock(Duration.ofSeconds(1));
            alerts = topology.alertValues();
            assertThat(topology.deadLetters()).as("nothing in the scenario is unreadable or late").isEmpty();
        }
    }

    @Test
    void coversEveryStepOfTheAttackStory() {
        assertThat(samples.steps()).extracting(AttackStory.Step::id).containsExactlyInAnyOrderElementsOf(
                EXPECTED.keySet());
    }

    @Test
    void flagsEveryAttackStepWithItsDetection() {
        for (AttackStory.Step step : samples.steps()) {
            Set<String> stepEvents = step.records().stream().map(r -> r.get("eventID").asText())
                    .collect(Collectors.toSet());
            Set<String> flaggedBy = alerts.stream().filter(a -> a.eventIds().stream().anyMatch(stepEvents::contains))
                    .map(Alert::ruleId).collect(Collectors.toSet());
            assertThat(flaggedBy).as("detections flagging step %s", step.id())
                    .containsAll(EXPECTED.get(step.id()));
        }
    }

    @Test
    void raisesNothingAtMediumOrAboveForTheBackground() {
        Set<String> attackEvents = new HashSet<>();
        samples.steps().forEach(step -> step.records().forEach(r -> attackEvents.add(r.get("eventID").asText())));

        List<Alert> background = alerts.stream().filter(a -> a.severity().atLeast(Severity.MEDIUM))
                .filter(a -> a.eventIds().stream().noneMatch(attackEvents::contains)).toList();

        assertThat(background).extracting(a -> a.ruleId() + " " + a.principal() + " " + a.eventName()).isEmpty();
    }

    @Test
    void alertsTheBruteForceAsOneHighBurstAndTheBreakInAsCritical() {
        assertThat(alerts).filteredOn(a -> a.ruleId().equals("failed-console-login-burst"))
                .extracting(Alert::sourceIp).containsOnly("203.0.113.66");
        assertThat(alerts).filteredOn(a -> a.ruleId().equals("console-bruteforce-success"))
                .extracting(Alert::severity).containsOnly(Severity.CRITICAL);
    }
}
