package dev.trailwatch.detector.tuning;

import static dev.trailwatch.detector.tuning.TuningTopologyTest.tuning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a tuning set decides one alert: matchers, their combination, order of precedence, scope specificity. */
class TuningSetTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private static Alert alert(String rule, String account, String principal, String ip) {
        return Alert.builder().alertId("a1").ruleId(rule).severity(Severity.MEDIUM).accountId(account)
                .principal(principal).sourceIp(ip).userAgent("APN/1.0 HashiCorp/1.0 Terraform/1.9.5")
                .eventName("AuthorizeSecurityGroupIngress").firstEventTime(T0).lastEventTime(T0).detectedAt(T0)
                .build();
    }

    private static Verdict judge(TuningSet set, Alert alert, String ou) {
        return set.judge(new AlertSubject(alert, account -> ou));
    }

    @Test
    void findsTheRoleNameInSessionAndRoleArns() {
        assertThat(AlertSubject.roleName("arn:aws:sts::111122223333:assumed-role/Deploy/ci-42")).isEqualTo("Deploy");
        assertThat(AlertSubject.roleName("arn:aws:iam::111122223333:role/automation/Deploy")).isEqualTo("Deploy");
        assertThat(AlertSubject.roleName("arn:aws-us-gov:sts::111122223333:assumed-role/Deploy")).isEqualTo("Deploy");
        assertThat(AlertSubject.roleName("arn:aws:iam::111122223333:user/Deploy")).isNull();
        assertThat(AlertSubject.roleName("111122223333")).isNull();
        assertThat(AlertSubject.roleName(null)).isNull();
    }

    @Test
    void needsEveryGivenMatcherToHold() {
        TuningSet set = tuning("""
                exceptions:
                  - id: tf
                    reason: r
                    owner: o
                    rule: security-group-changed
                    when:
                      role: terraform-*
                      sourceIp: [10.0.0.0/8, "2001:db8::/32"]
                      userAgent: "*Terraform/*"
                """);
        String tf = "arn:aws:sts::111122223333:assumed-role/Terraform-Deploy/run-1";

        assertThat(judge(set, alert("security-group-changed", "111122223333", tf, "10.20.30.40"), null))
                .isInstanceOf(Verdict.Excepted.class);
        assertThat(judge(set, alert("security-group-changed", "111122223333", tf, "2001:db8::7"), null))
                .isInstanceOf(Verdict.Excepted.class);
        assertThat(judge(set, alert("security-group-changed", "111122223333", tf, "203.0.113.9"), null))
                .as("outside the CIDRs").isInstanceOf(Verdict.Keep.class);
        assertThat(judge(set, alert("security-group-changed", "111122223333", tf, "ec2.amazonaws.com"), null))
                .as("a service name is in no CIDR").isInstanceOf(Verdict.Keep.class);
        assertThat(judge(set, alert("security-group-changed", "111122223333",
                "arn:aws:iam::111122223333:user/terraform-deploy", "10.20.30.40"), null))
                .as("a user of that name is not the role").isInstanceOf(Verdict.Keep.class);
        assertThat(judge(set, alert("network-acl-changed", "111122223333", tf, "10.20.30.40"), null))
                .as("another rule").isInstanceOf(Verdict.Keep.class);
    }

    @Test
    void lowestIdDecidesWhenSeveralExceptionsApply() {
        TuningSet set = tuning("""
                exceptions:
                  - {id: zz-all, reason: r, owner: o, rules: all, when: {account: "111122223333"}}
                  - {id: aa-one, reason: r, owner: o, rule: console-login, when: {account: "111122223333"}}
                """);

        Verdict verdict = judge(set, alert("console-login", "111122223333", "p", "1.2.3.4"), null);
        assertThat(((Verdict.Excepted) verdict).exception().id()).isEqualTo("aa-one");
        Verdict other = judge(set, alert("root-account-used", "111122223333", "p", "1.2.3.4"), null);
        assertThat(((Verdict.Excepted) other).exception().id()).isEqualTo("zz-all");
    }

    @Test
    void takesTheMostSpecificSeverityOverride() {
        TuningSet set = tuning("""
                overrides:
                  - {id: org, reason: r, owner: o, rule: first-region-use, severity: HIGH}
                  - {id: sandbox-ou, reason: r, owner: o, rule: first-region-use, severity: LOW, ous: [sandbox]}
                  - {id: one-account, reason: r, owner: o, rule: first-region-use, severity: INFO,
                     accounts: ["444455556666"]}
                """);

        assertThat(severity(judge(set, alert("first-region-use", "111122223333", "p", "1.2.3.4"), "prod")))
                .isEqualTo(Severity.HIGH);
        assertThat(severity(judge(set, alert("first-region-use", "111122223333", "p", "1.2.3.4"), "Sandbox")))
                .as("OU globs ignore case").isEqualTo(Severity.LOW);
        assertThat(severity(judge(set, alert("first-region-use", "444455556666", "p", "1.2.3.4"), "sandbox")))
                .isEqualTo(Severity.INFO);
        assertThat(severity(judge(set, alert("first-service-use", "444455556666", "p", "1.2.3.4"), "sandbox")))
                .isEqualTo(Severity.MEDIUM);
    }

    @Test
    void disablingWinsOverExceptionsAndSeverity() {
        TuningSet set = tuning("""
                exceptions:
                  - {id: e, reason: r, owner: o, rule: console-login, when: {account: "111122223333"}}
                overrides:
                  - {id: logins-off, reason: r, owner: o, rule: console-login, disabled: true, expires: 2026-11-20}
                """);

        assertThat(judge(set, alert("console-login", "111122223333", "p", "1.2.3.4"), null))
                .isInstanceOf(Verdict.Disabled.class);
        Alert later = alert("console-login", "111122223333", "p", "1.2.3.4").toBuilder()
                .firstEventTime(Instant.parse("2026-11-21T00:00:00Z")).build();
        assertThat(judge(set, later, null)).as("the override expired; the exception still applies")
                .isInstanceOf(Verdict.Excepted.class);
    }

    @Test
    void appliesThresholdSettingsToTheConfiguration() {
        TuningSet set = tuning("""
                overrides:
                  - {id: t, reason: r, owner: o, rule: access-denied-burst, settings: {threshold: 50, window: 15m}}
                """);

        var config = set.applyTo(dev.trailwatch.detector.config.DetectorConfig.defaults());
        assertThat(config.get(dev.trailwatch.detector.config.BurstSettings.ACCESS_DENIED_THRESHOLD)).isEqualTo(50);
        assertThat(config.get(dev.trailwatch.detector.config.BurstSettings.ACCESS_DENIED_WINDOW))
                .isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(set.settings()).isEqualTo(Map.of("burst.access-denied.threshold", "50",
                "burst.access-denied.window", "15m"));
    }

    private static Severity severity(Verdict verdict) {
        return ((Verdict.Keep) verdict).alert().severity();
    }
}
