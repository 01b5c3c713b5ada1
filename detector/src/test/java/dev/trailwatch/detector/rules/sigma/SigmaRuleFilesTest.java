package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.rules.Rule;
import dev.trailwatch.detector.rules.RulePack;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The corpus-wide check of a folder of Sigma rules, {@code RuleFilesTest}'s counterpart: every CloudTrail rule
 * compiles, and for each rule the records derived from its own detection logic ({@link CaseGenerator}: each way the
 * condition can hold, each selection violated, each filter hit, swapped case) match exactly when the rule says they
 * should, through the compiled rule, the watch-list rule it runs as, and the event-name index. A rule no record can
 * match fails here.
 *
 * <p>Runs on the SigmaHQ CloudTrail rules by default. To check your own rules directory before deploying it:
 * {@code mvn -B -q -pl detector test -Dtest=SigmaRuleFilesTest -Dtrailwatch.sigma.dir=/etc/trailwatch/rules}.
 */
class SigmaRuleFilesTest {

    static final Path DIR = Path.of(System.getProperty("trailwatch.sigma.dir", SigmaHqConformanceTest.DIR.toString()));
    private static final SigmaRules.Loaded LOADED = SigmaRules.load(DIR);

    @Test
    void everyCloudTrailRuleCompiles() {
        assertThat(LOADED.refusals().stream().filter(r -> r.kind() != SigmaRefusal.Kind.OTHER_LOG_SOURCE)
                .map(SigmaRefusal::message).collect(Collectors.joining("\n"))).as("refused").isEmpty();
        assertThat(LOADED.rules()).as("rules in " + DIR).isNotEmpty();
    }

    @TestFactory
    Stream<DynamicNode> recordsDerivedFromEachRuleMatchExactlyWhenTheRuleSaysSo() {
        return LOADED.rules().stream().map(rule -> {
            Rule watch = rule.toRule();
            RulePack pack = RulePack.of(List.of(watch));
            List<CaseGenerator.Case> cases = new CaseGenerator(rule).cases();
            Stream<DynamicNode> coverage = Stream.of(dynamicTest(rule.ruleId() + ": some records match, some do not",
                    () -> assertThat(cases).anyMatch(CaseGenerator.Case::expected).anyMatch(c -> !c.expected())));
            Stream<DynamicNode> each = cases.stream().map(c -> dynamicTest(rule.ruleId() + ": " + c.name()
                    + (c.expected() ? " matches" : " does not match"), () -> {
                CloudTrailEvent event = SigmaEvents.parse(c.record());
                assertThat(rule.matches(event)).as("compiled rule on %s", c.record()).isEqualTo(c.expected());
                assertThat(watch.matches(event)).as("watch-list rule").isEqualTo(c.expected());
                assertThat(pack.matching(event)).as("through the event-name index").hasSize(c.expected() ? 1 : 0);
            }));
            return dynamicContainer(rule.ruleId(), Stream.concat(coverage, each));
        });
    }
}
