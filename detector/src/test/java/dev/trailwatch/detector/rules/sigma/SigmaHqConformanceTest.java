package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The 57 SigmaHQ rules for AWS CloudTrail (peer-tests/sigma-rules, DRL 1.1): every one loads and keeps its metadata.
 * {@link SigmaRuleFilesTest} (on the same folder by default) checks each one against records derived from its own
 * detection logic; {@link SigmaHqRecordsTest} against hand-written records.
 */
class SigmaHqConformanceTest {

    static final Path DIR = Path.of("src/test/resources/peer-tests/sigma-rules");
    private static final SigmaRules.Loaded LOADED = SigmaRules.load(DIR);

    @Test
    void loadsAllFiftySevenRulesWithoutARefusal() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.filter(p -> p.toString().endsWith(".yml")).count()).isEqualTo(57);
        }
        assertThat(LOADED.refusals()).isEmpty();
        assertThat(LOADED.rules()).hasSize(57);
        assertThat(LOADED.correlations()).isEmpty();
    }

    @Test
    void ruleIdIsSigmaAndTheFileNameInKebabCase() {
        SigmaRule rule = rule("aws_cloudtrail_disable_logging.yml");
        assertThat(rule.ruleId()).isEqualTo("sigma-aws-cloudtrail-disable-logging");
        assertThat(LOADED.rules()).allSatisfy(r -> assertThat(r.ruleId())
                .isEqualTo("sigma-" + Path.of(r.source()).getFileName().toString().replace(".yml", "")
                        .replace('_', '-')));
    }

    @Test
    void keepsLevelTagsAuthorReferencesAndFalsePositives() {
        SigmaRule rule = rule("aws_cloudtrail_guardduty_detector_deleted_or_updated.yml");
        assertThat(rule.meta().id()).isEqualTo("d2656e78-c069-4571-8220-9e0ab5913f19");
        assertThat(rule.meta().severity()).isEqualTo(Severity.HIGH);
        assertThat(rule.meta().mitre()).containsExactly("T1685", "T1685.002");
        assertThat(rule.meta().author()).isEqualTo("suktech24");
        assertThat(rule.meta().references()).hasSize(12)
                .contains("https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DeleteDetector.html");
        assertThat(rule.meta().falsePositives()).hasSize(3);
        assertThat(rule.meta().status()).isEqualTo("experimental");
        assertThat(rule("aws_cloudtrail_new_acl_entries.yml").meta().severity()).isEqualTo(Severity.LOW);
        assertThat(rule("aws_cloudtrail_bucket_deleted.yml").meta().mitre()).isEmpty();
    }

    @Test
    void everyRuleThatPinsEventNamesIsIndexedUnderThem() {
        assertThat(rule("aws_cloudtrail_disable_logging.yml").eventNames())
                .hasValueSatisfying(names -> assertThat(names).containsExactlyInAnyOrder("StopLogging", "UpdateTrail",
                        "DeleteTrail"));
        assertThat(LOADED.rules().stream().filter(r -> r.eventNames().isEmpty()).map(SigmaRule::ruleId))
                .containsExactlyInAnyOrder("sigma-aws-cloudtrail-imds-malicious-usage",
                        "sigma-aws-cloudtrail-pua-trufflehog", "sigma-aws-new-lambda-layer-attached",
                        "sigma-aws-root-account-usage", "sigma-aws-sts-assumerole-misuse");
    }

    @Test
    void warnsAboutAFieldCloudTrailDoesNotHave() {
        assertThat(rule("aws_delete_saml_provider.yml").warnings()).singleElement().asString()
                .contains("detection.selection.status", "'status' is not a field of CloudTrail records");
        assertThat(LOADED.rules().stream().filter(r -> !r.warnings().isEmpty()).map(SigmaRule::ruleId))
                .containsExactly("sigma-aws-delete-saml-provider");
    }

    static SigmaRule rule(String file) {
        return LOADED.rules().stream().filter(r -> r.source().endsWith("/" + file)).findFirst().orElseThrow();
    }
}
