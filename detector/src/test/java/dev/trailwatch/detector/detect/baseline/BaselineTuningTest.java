package dev.trailwatch.detector.detect.baseline;

import static dev.trailwatch.detector.detect.baseline.BaselineEvents.ACCOUNT;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.assumeRoleBy;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.assumedRoleOf;
import static dev.trailwatch.detector.detect.baseline.BaselineEvents.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.tuning.TuningException;
import dev.trailwatch.detector.tuning.TuningParser;
import dev.trailwatch.detector.tuning.TuningSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exceptions and per-OU overrides on first-use and foreign-account alerts, OUs read from the accounts topic. */
class BaselineTuningTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final String SANDBOX = "444455556666";
    private static final String PARTNER = "999988887777";
    private static final String STRANGER = "777766665555";

    private static final TuningSet SANDBOX_TUNING = tuning("""
            exceptions:
              - id: partner-deployer
                reason: the partner's deployment role ships our releases
                owner: release-team
                rule: foreign-account
                when:
                  role: Deployer
                  principal: "arn:aws:sts::999988887777:*"
              - id: sandbox-ap-east
                reason: the sandbox OU tests the Hong Kong region
                owner: cloud-team
                rule: first-region-use
                when:
                  ou: "ou-sand-*"
                  pattern: '{ $.evidence.newRegion = "ap-east-1" }'
            overrides:
              - id: sandbox-regions-low
                reason: sandboxes try new regions all the time
                owner: cloud-team
                rule: first-region-use
                severity: LOW
                ous: ["ou-sand-*"]
            """);

    @Test
    void writesFirstRegionUseOfASandboxAccountAtTheSeverityOfItsOu() {
        try (BaselineHarness topology = harness()) {
            pipeNewRegion(topology, "eu-central-1", ACCOUNT, SANDBOX);

            assertThat(topology.alerts(FirstRegionUseDetector.ID)).extracting(Alert::accountId, Alert::severity)
                    .containsExactlyInAnyOrder(tuple(ACCOUNT, Severity.MEDIUM),
                            tuple(SANDBOX, Severity.LOW));
        }
    }

    @Test
    void exceptsFirstRegionUseByOuAndAFilterPatternOnTheEvidence() {
        try (BaselineHarness topology = harness()) {
            pipeNewRegion(topology, "ap-east-1", SANDBOX, ACCOUNT);

            assertThat(topology.alerts(FirstRegionUseDetector.ID)).extracting(Alert::accountId)
                    .containsExactly(ACCOUNT);
            assertThat(topology.metrics.registry().find("trailwatch.alerts.excepted")
                    .tags("rule", FirstRegionUseDetector.ID, "exception", "sandbox-ap-east").counter().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void exceptsTheForeignRoleItNamesAndNoOther() {
        try (BaselineHarness topology = harness()) {
            topology.pipe(assumedRoleOf(PARTNER, call(ACCOUNT, "s3.amazonaws.com", "GetObject", "us-east-1", T0)));
            topology.pipe(assumeRoleBy(STRANGER, ACCOUNT, T0.plusSeconds(60)));

            assertThat(topology.alerts(ForeignAccountDetector.ID)).extracting(Alert::principal)
                    .containsExactly(STRANGER);
            assertThat(topology.metrics.registry().find("trailwatch.alerts.excepted")
                    .tags("rule", ForeignAccountDetector.ID, "exception", "partner-deployer").counter().count())
                    .isEqualTo(1);
        }
    }

    private BaselineHarness harness() {
        BaselineHarness topology = new BaselineHarness(Map.of("accounts.known", ACCOUNT + "," + SANDBOX), null,
                FlushSignal.never(), SANDBOX_TUNING);
        topology.pipeAccount(SANDBOX, "{\"name\": \"sandbox-7\", \"ou\": \"ou-sand-1a2b3c4d\"}");
        topology.pipeAccount(ACCOUNT, "{\"name\": \"prod-payments\", \"ou\": \"ou-prod-5e6f7a8b\"}");
        return topology;
    }

    /** Baselines in eu-west-1 from T0, then, after the learning period, a call in {@code region} in each account. */
    private static void pipeNewRegion(BaselineHarness topology, String region, String... accounts) {
        for (String account : accounts) {
            topology.pipe(call(account, "ec2.amazonaws.com", "DescribeInstances", "eu-west-1", T0));
        }
        for (String account : accounts) {
            topology.pipe(call(account, "ec2.amazonaws.com", "RunInstances", region, T0.plus(Duration.ofDays(8))));
        }
    }

    private static TuningSet tuning(String yaml) {
        try {
            return TuningParser.parse("test.yml", yaml);
        } catch (TuningException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
