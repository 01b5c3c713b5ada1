package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestMatchersTest {

    @Test
    void registersEveryMatcherTheRulePackNeedsByName() {
        assertThat(RequestMatchers.all()).extracting(RequestMatcher::name).contains("ingress-open-to-world",
                "snapshot-shared-publicly", "snapshot-shared-with-account", "admin-policy-attached",
                "access-key-for-other-user", "login-profile-for-other-user", "bucket-policy-public",
                "public-access-block-disabled", "guardduty-detector-disabled", "rds-made-public",
                "nacl-entry-open-to-world").doesNotHaveDuplicates();
    }

    @Test
    void everyMatcherIsKebabCaseAndDescribed() {
        assertThat(RequestMatchers.all()).allSatisfy(matcher -> {
            assertThat(matcher.name()).matches(RuleChecks.ID);
            assertThat(matcher.summary()).isNotBlank();
        });
    }

    @Test
    void looksUpByName() {
        assertThat(RequestMatchers.named("rds-made-public")).get().extracting(RequestMatcher::name)
                .isEqualTo("rds-made-public");
        assertThat(RequestMatchers.named("no-such-matcher")).isEmpty();
    }

    @Test
    void everyMatcherStaysQuietOnAnEmptyRequest() {
        var empty = TestEvents.call("ec2.amazonaws.com", "DescribeInstances", null);
        assertThat(RequestMatchers.all()).allSatisfy(matcher -> {
            assertThat(matcher.matches(empty)).as(matcher.name()).isFalse();
            assertThat(matcher.evidence(empty)).as(matcher.name()).doesNotContainValue(null);
        });
    }
}
