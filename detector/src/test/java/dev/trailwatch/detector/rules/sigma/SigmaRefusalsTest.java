package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every kind of Sigma document TrailWatch does not run is refused with the file, the key path, its line and the
 * reason (the list in docs/sigma.md), and the other rules of the collection still load.
 */
class SigmaRefusalsTest {

    private static final String HEAD = """
            title: Refused rule
            logsource:
                product: aws
                service: cloudtrail
            """;
    private static final String GOOD = HEAD + "detection:\n    sel:\n        eventName: StopLogging\n"
            + "    condition: sel\n";

    /** The single refusal of {@code yaml}, compiled next to a good rule that must still load. */
    private static SigmaRefusal refusal(String yaml) {
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input("rules/good_rule.yml", GOOD),
                new SigmaRules.Input("rules/bad_rule.yml", yaml)));
        assertThat(loaded.rules()).extracting(SigmaRule::ruleId).containsExactly("sigma-good-rule");
        assertThat(loaded.refusals()).hasSize(1);
        return loaded.refusals().get(0);
    }

    private static String detection(String body) {
        return HEAD + "detection:\n" + body.indent(4);
    }

    @Test
    void anUnknownModifierNamesTheKeyAndLine() {
        SigmaRefusal r = refusal(detection("sel:\n    eventName: StopLogging\n    userAgent|containz: curl\n"
                + "condition: sel"));
        assertThat(r.kind()).isEqualTo(SigmaRefusal.Kind.UNSUPPORTED);
        assertThat(r.path()).isEqualTo("detection.sel.userAgent|containz");
        assertThat(r.line()).isEqualTo(8);
        assertThat(r.message()).isEqualTo("rules/bad_rule.yml ('Refused rule'): detection.sel.userAgent|containz,"
                + " line 8: unknown modifier 'containz' (supported: all, base64, base64offset, cased, cidr, contains,"
                + " day, endswith, exists, expand, fieldref, gt, gte, hour, i, lt, lte, m, minute, month, neq, re, s,"
                + " startswith, utf16, utf16be, utf16le, week, wide, windash, year)");
    }

    @Test
    void placeholdersAreRefused() {
        assertThat(refusal(detection("sel:\n    userIdentity.userName|expand: '%Administrators%'\ncondition: sel"))
                .reason()).startsWith("|expand placeholders need values");
    }

    @Test
    void legacyAggregationsAndNearAreRefused() {
        SigmaRefusal count = refusal(detection("sel:\n    eventName: ConsoleLogin\ncondition: sel | count() by"
                + " sourceIPAddress > 10"));
        assertThat(count.kind()).isEqualTo(SigmaRefusal.Kind.UNSUPPORTED);
        assertThat(count.path()).isEqualTo("detection.condition");
        assertThat(count.reason()).contains("legacy aggregation", "correlation rules");
        assertThat(refusal(detection("a:\n    eventName: A\nb:\n    eventName: B\ncondition: a near b")).reason())
                .contains("'near'");
        assertThat(refusal(detection("sel:\n    eventName: A\ntimeframe: 5m\ncondition: sel")).path())
                .isEqualTo("detection.timeframe");
    }

    @Test
    void conditionsThatReferToNothingAreRefused() {
        assertThat(refusal(detection("sel:\n    eventName: A\ncondition: sel and not filter")).reason())
                .isEqualTo("'filter' is not a search identifier of this detection (defined: sel)");
        assertThat(refusal(detection("sel:\n    eventName: A\ncondition: sel and not 1 of filter_*")).reason())
                .isEqualTo("'filter_*' matches no search identifier of this detection (defined: sel)");
        assertThat(refusal(detection("sel:\n    eventName: A\ncondition: (sel")).reason())
                .startsWith("expected ')' before the end");
        assertThat(refusal(detection("sel:\n    eventName: A\ncondition: sel and")).reason())
                .startsWith("the condition ends where");
        assertThat(refusal(detection("sel:\n    eventName: A\n")).path()).isEqualTo("detection.condition");
    }

    @Test
    void valuesTheSpecificationForbidsAreRefused() {
        assertThat(refusal(detection("sel:\n    eventName|all: A\ncondition: sel")).reason())
                .contains("|all needs a list of at least two values");
        assertThat(refusal(detection("sel:\n    errorCode:\n        - ''\n        - null\ncondition: sel")).reason())
                .contains("null cannot be part of a list");
        assertThat(refusal(detection("sel:\n    userIdentity.arn|re: '(unclosed'\ncondition: sel")).reason())
                .startsWith("|re: not a valid regular expression");
        assertThat(refusal(detection("sel:\n    sourceIPAddress|cidr: 10.0.0.0/33\ncondition: sel")).reason())
                .contains("prefix length must be 0..32");
        assertThat(refusal(detection("sel:\n    eventName|contains|startswith: A\ncondition: sel")).reason())
                .contains("only one of |contains, |startswith, |endswith");
        assertThat(refusal(detection("sel:\n    eventName|re|contains: A\ncondition: sel")).reason())
                .isEqualTo("|contains does not combine with |re");
        assertThat(refusal(detection("sel:\n    eventName|i: A\ncondition: sel")).reason())
                .contains("sub-modifier of |re");
        assertThat(refusal(detection("sel:\n    eventName|gt: many\ncondition: sel")).reason())
                .contains("numeric modifiers need a number");
        assertThat(refusal(detection("sel:\n    errorCode|exists: maybe\ncondition: sel")).reason())
                .contains("|exists takes one value, true or false");
        assertThat(refusal(detection("sel:\n    requestParameters:\n        name: x\ncondition: sel")).reason())
                .contains("a value must be a string, number, boolean or null, not a map");
        assertThat(refusal(detection("sel: {}\ncondition: sel")).reason()).contains("must not be empty");
    }

    @Test
    void otherLogSourcesStatusesAndTaxonomiesAreRefused() {
        SigmaRefusal windows = refusal(GOOD.replace("product: aws", "product: windows")
                .replace("service: cloudtrail", "service: security"));
        assertThat(windows.kind()).isEqualTo(SigmaRefusal.Kind.OTHER_LOG_SOURCE);
        assertThat(windows.reason()).startsWith("logsource is 'product: windows, service: security': TrailWatch reads"
                + " AWS CloudTrail only");
        SigmaRefusal deprecated = refusal("status: deprecated\n" + GOOD);
        assertThat(deprecated.kind()).isEqualTo(SigmaRefusal.Kind.STATUS);
        assertThat(deprecated.line()).isEqualTo(1);
        assertThat(refusal("status: unsupported\n" + GOOD).kind()).isEqualTo(SigmaRefusal.Kind.STATUS);
        assertThat(refusal("taxonomy: ecs\n" + GOOD).reason()).startsWith("taxonomy 'ecs'");
        assertThat(refusal("level: severe\n" + GOOD).reason()).startsWith("level 'severe' is not one of");
        assertThat(refusal(GOOD.replace("title: Refused rule\n", "")).reason()).isEqualTo("'title' is required");
    }

    @Test
    void brokenYamlAndRepeatedKeysAreRefused() {
        SigmaRefusal yaml = refusal(GOOD + "  bad: [unclosed\n");
        assertThat(yaml.reason()).startsWith("not valid YAML at line");
        SigmaRefusal twice = refusal(GOOD + "level: high\nlevel: low\n");
        assertThat(twice.reason()).isEqualTo("key 'level' is given twice (lines 9 and 10) with different values; YAML"
                + " keeps only one of them");
        SigmaRules.Loaded same = SigmaRules.compile(List.of(new SigmaRules.Input("rules/same.yml",
                GOOD + "level: high\nlevel: high\n")));
        assertThat(same.rules().get(0).warnings()).containsExactly("level: key given twice with the same value"
                + " (lines 9 and 10)");
        assertThat(refusal(HEAD).reason()).startsWith("neither 'detection' (a rule), 'correlation' nor 'filter'");
    }

    @Test
    void aDuplicateSigmaIdIsRefusedInTheSecondFile() {
        String withId = "id: 4db60cc0-36fb-42b7-9b58-a5b53019fb74\n" + GOOD;
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input("a/one_rule.yml", withId),
                new SigmaRules.Input("b/two_rule.yml", withId)));
        assertThat(loaded.rules()).hasSize(1);
        assertThat(loaded.refusals()).singleElement().extracting(SigmaRefusal::message).isEqualTo(
                "b/two_rule.yml ('Refused rule'): id, line 1: duplicate Sigma id 4db60cc0-36fb-42b7-9b58-a5b53019fb74"
                        + " (also in a/one_rule.yml)");
        SigmaRules.Loaded sameFileName = SigmaRules.compile(List.of(new SigmaRules.Input("a/rule_x.yml", GOOD),
                new SigmaRules.Input("b/rule_x.yml", GOOD)));
        assertThat(sameFileName.refusals()).singleElement().extracting(SigmaRefusal::reason)
                .isEqualTo("duplicate ruleId sigma-rule-x (also in a/rule_x.yml)");
    }

    @Test
    void aGlobalFilterNarrowsTheRulesItNames() {
        String rule = "id: 0e95725d-7320-415d-80f7-004da920fc11\n" + GOOD;
        String filter = """
                title: Our automation may stop trails
                logsource:
                    product: aws
                    service: cloudtrail
                filter:
                    rules:
                        - 0e95725d-7320-415d-80f7-004da920fc11
                    selection:
                        userIdentity.arn|endswith: ':role/trail-rotation'
                    condition: selection
                """;
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input("r/trail_rule.yml", rule),
                new SigmaRules.Input("r/mf_trail_rotation.yml", filter)));
        assertThat(loaded.refusals()).isEmpty();
        SigmaRule compiled = loaded.rules().get(0);
        assertThat(compiled.matches(SigmaEvents.tree("{\"eventName\": \"StopLogging\", \"userIdentity\":"
                + " {\"arn\": \"arn:aws:sts::1:assumed-role/admin/x\"}}"))).isTrue();
        assertThat(compiled.matches(SigmaEvents.tree("{\"eventName\": \"StopLogging\", \"userIdentity\":"
                + " {\"arn\": \"arn:aws:iam::1:role/trail-rotation\"}}"))).isFalse();
        assertThat(compiled.condition()).isEqualTo("(sel) and not filter 'Our automation may stop trails':(selection)");

        SigmaRules.Loaded orphan = SigmaRules.compile(List.of(new SigmaRules.Input("r/mf_trail_rotation.yml", filter)));
        assertThat(orphan.refusals()).singleElement().extracting(SigmaRefusal::message).isEqualTo(
                "r/mf_trail_rotation.yml ('Our automation may stop trails'): filter.rules[0], line 7: no loaded Sigma"
                        + " rule has id or name '0e95725d-7320-415d-80f7-004da920fc11'");
    }
}
