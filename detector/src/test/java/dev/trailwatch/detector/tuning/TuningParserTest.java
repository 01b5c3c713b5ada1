package dev.trailwatch.detector.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.model.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tuning files: what a correct one gives, and a message naming file, entry and problem for every mistake. */
class TuningParserTest {

    private static final String EXCEPTION = """
            exceptions:
              - id: terraform-deploy
                reason: Terraform applies security group changes from CI every hour
                owner: platform-team
                expires: 2027-06-30
                rules: [security-group-changed, network-acl-changed]
                when:
                  role: terraform-deploy*
                  account: ["111122223333", "444455556666"]
                  sourceIp: [10.0.0.0/8, 2001:db8::/32]
                  userAgent: "*Terraform/*"
                  eventName: AuthorizeSecurityGroupIngress
                  pattern: '{ $.requestParameters.groupId = "sg-0123" }'
            """;

    @Test
    void readsAnExceptionWithEveryMatcher() throws TuningException {
        TuningSet set = TuningParser.parse("tuning/ci.yml", EXCEPTION);

        assertThat(set.exceptions()).hasSize(1);
        ExceptionEntry e = set.exceptions().get(0);
        assertThat(e.id()).isEqualTo("terraform-deploy");
        assertThat(e.owner()).isEqualTo("platform-team");
        assertThat(e.source()).isEqualTo("tuning/ci.yml");
        assertThat(e.expires()).as("a date covers that whole day, UTC").isEqualTo(Instant.parse("2027-07-01T00:00:00Z"));
        assertThat(e.rules().includes("security-group-changed")).isTrue();
        assertThat(e.rules().includes("console-login")).isFalse();
        assertThat(e.when().accounts()).containsExactlyInAnyOrder("111122223333", "444455556666");
        assertThat(e.when().sourceIps()).hasSize(2);
        assertThat(e.when().eventNames()).containsExactly("AuthorizeSecurityGroupIngress");
        assertThat(e.when().pattern().text()).isEqualTo("{ $.requestParameters.groupId = \"sg-0123\" }");
        assertThat(e.when().describe()).contains("role terraform-deploy*").contains("userAgent *Terraform/*");
    }

    @Test
    void readsOverridesOfEveryKind() throws TuningException {
        TuningSet set = TuningParser.parse("o.yml", """
                overrides:
                  - id: no-console-login
                    reason: every console login is already in the SIEM
                    owner: soc
                    rule: console-login
                    disabled: true
                  - id: sandbox-regions
                    reason: sandboxes try regions all the time
                    owner: cloud-team
                    rule: first-region-use
                    severity: low
                    ous: ["ou-sand-*"]
                    accounts: ["999988887777"]
                  - id: login-burst-threshold
                    reason: the VPN NATs the whole office behind one address
                    owner: soc
                    rule: failed-console-login-burst
                    settings: {threshold: 25, window: 10m}
                """);

        assertThat(set.overrides()).extracting(OverrideEntry::id)
                .containsExactly("login-burst-threshold", "no-console-login", "sandbox-regions");
        assertThat(set.disabledRules()).containsOnlyKeys("console-login");
        OverrideEntry sandbox = set.overrides().get(2);
        assertThat(sandbox.severity()).isEqualTo(Severity.LOW);
        assertThat(sandbox.scope()).contains("999988887777").contains("ou-sand-*");
        assertThat(set.settings()).containsEntry("burst.failed-login.threshold", "25")
                .containsEntry("burst.failed-login.window", "10m");
    }

    @Test
    void readsJsonAsWellAsYaml() throws TuningException {
        TuningSet set = TuningParser.parse("scanner.json", """
                {"exceptions": [{"id": "qualys", "reason": "authorized scanner", "owner": "vuln-mgmt",
                  "rules": "all", "when": {"sourceIp": "64.39.96.0/20"}}]}
                """);

        assertThat(set.exceptions()).singleElement().satisfies(e -> {
            assertThat(e.rules().all()).isTrue();
            assertThat(e.expires()).isNull();
        });
    }

    @Test
    void readsAnEmptyFileAsNoTuning() throws TuningException {
        assertThat(TuningParser.parse("empty.yml", "").isEmpty()).isTrue();
        assertThat(TuningParser.parse("comment.yml", "# nothing yet\n").isEmpty()).isTrue();
    }

    @Test
    void acceptsAnExpiryTimeWithAZone() throws TuningException {
        TuningSet set = TuningParser.parse("t.yml", EXCEPTION.replace("expires: 2027-06-30",
                "expires: 2027-06-30T18:00:00+02:00"));

        assertThat(set.exceptions().get(0).expires()).isEqualTo(Instant.parse("2027-06-30T16:00:00Z"));
    }

    @Test
    void reportsMalformedYamlWithItsLine() {
        assertThat(problems("bad.yml", "exceptions:\n  - id: x\n    reason: [unclosed\n"))
                .singleElement().asString().startsWith("bad.yml: not valid YAML at line");
    }

    @Test
    void reportsMalformedJson() {
        assertThat(problems("bad.json", "{\"exceptions\": [}")).singleElement().asString()
                .startsWith("bad.json: not valid JSON at line 1");
    }

    @Test
    void reportsAWrongShapeAtTheTop() {
        assertThat(problems("t.yml", "- id: x\n")).singleElement().asString()
                .contains("expected a mapping with 'exceptions' and/or 'overrides'");
        assertThat(problems("t.yml", "exception:\n  - id: x\n")).singleElement().asString()
                .isEqualTo("t.yml: unknown top-level key 'exception' (known: exceptions, overrides)");
        assertThat(problems("t.yml", "exceptions: {id: x}\n")).singleElement().asString()
                .isEqualTo("t.yml: exceptions: expected a list of entries, found a mapping");
        assertThat(problems("t.yml", "overrides: [just-text]\n")).singleElement().asString()
                .contains("overrides[0]: the entry must be a mapping of keys to values, found the value 'just-text'");
    }

    @Test
    void reportsEveryProblemOfAnEntryAtOnceNamingTheEntry() {
        List<String> found = problems("t.yml", """
                exceptions:
                  - id: sloppy
                    rule: console-login
                    when: {}
                    expire: 2027-01-01
                """);

        assertThat(found).containsExactlyInAnyOrder(
                "t.yml: exceptions[0] (id sloppy): unknown key 'expire' (known: expires, id, owner, reason, rule,"
                        + " rules, tests, when)",
                "t.yml: exceptions[0] (id sloppy): 'reason' is missing: say why it is safe",
                "t.yml: exceptions[0] (id sloppy): 'owner' is missing: say who answers for it",
                "t.yml: exceptions[0] (id sloppy): 'when' has no condition: give at least one of account,"
                        + " eventName, ou, pattern, principal, role, sourceIp, userAgent");
    }

    @Test
    void reportsEachBadFieldOfAnException() {
        assertThat(exceptionProblem("id: e1", "id: \"has space\"")).contains("'id' 'has space' must be");
        assertThat(exceptionProblem("id: e1\n    ", "")).contains("exceptions[0]: 'id' is missing");
        assertThat(exceptionProblem("id: e1", "id: off")).contains("'id' false must be").contains("quote it");
        assertThat(exceptionProblem("expires: 2027-06-30", "expires: next tuesday"))
                .contains("'expires' 'next tuesday' is not a date (2027-06-30) or a time with a zone");
        assertThat(exceptionProblem("rule: console-login", "rule: console-login\n    rules: [root-account-used]"))
                .contains("give exactly one of 'rule: <id>' or 'rules: [<id>, ...]'");
        assertThat(exceptionProblem("    rule: console-login\n", "")).contains("give exactly one of");
        assertThat(exceptionProblem("rule: console-login", "rules: []")).contains("'rules' must be a list of rule"
                + " ids or 'all', found a list");
        assertThat(exceptionProblem("rule: console-login", "rule: all")).contains("'rule: all' is not a rule id");
        assertThat(exceptionProblem("rule: console-login", "rule: \"bad id!\"")).contains("'rule' 'bad id!' is not"
                + " a rule id");
        assertThat(exceptionProblem("when:\n      role: deploy", "")).contains("'when' is missing");
        assertThat(exceptionProblem("role: deploy", "rolename: deploy")).contains("unknown key 'when.rolename'");
        assertThat(exceptionProblem("role: deploy", "account: \"1234\"")).contains("'when.account': '1234' is not a"
                + " 12-digit account id");
        assertThat(exceptionProblem("role: deploy", "account: 12345678901")).contains("quote account ids");
        assertThat(exceptionProblem("role: deploy", "sourceIp: [10.0.0.0/33]")).contains("'when.sourceIp':"
                + " '10.0.0.0/33' is not an IP address or CIDR block");
        assertThat(exceptionProblem("role: deploy", "pattern: '{ $.eventName = }'"))
                .contains("'when.pattern' is not a valid filter pattern:");
        assertThat(exceptionProblem("role: deploy", "pattern: { eventName: x }"))
                .contains("'when.pattern' must be one filter pattern as text (quote it");
        assertThat(exceptionProblem("role: deploy", "principal: []")).contains("'when.principal' is an empty list");
        assertThat(exceptionProblem("role: deploy", "userAgent: {a: b}")).contains("'when.userAgent' must be a value"
                + " or a list of values, found a mapping");
        assertThat(exceptionProblem("role: deploy", "role: [\"\"]")).contains("'when.role' has an empty or non-text");
        assertThat(exceptionProblem("reason: r", "reason: {a: b}")).contains("'reason' must be text, found a mapping");
    }

    @Test
    void reportsEachBadFieldOfAnOverride() {
        assertThat(overrideProblem("disabled: true", "")).contains("says nothing to change: give disabled: true, a"
                + " severity, or settings");
        assertThat(overrideProblem("disabled: true", "disabled: true\n    severity: LOW"))
                .contains("a disabled rule raises no alert to give a severity");
        assertThat(overrideProblem("disabled: true", "disabled: yes please")).contains("'disabled' must be true or"
                + " false, found 'yes please'");
        assertThat(overrideProblem("disabled: true", "severity: urgent")).contains("'severity': unknown severity"
                + " 'urgent' (expected INFO, LOW, MEDIUM, HIGH or CRITICAL)");
        assertThat(overrideProblem("rule: console-login", "")).contains("'rule' is missing");
        assertThat(overrideProblem("disabled: true", "disabled: true\n    accounts: [\"12\"]"))
                .contains("'accounts': '12' is not a 12-digit account id");
        assertThat(overrideProblem("disabled: true", "settings: {threshold: 5}"))
                .contains("rule console-login has no thresholds or windows to set; rules that have:"
                        + " failed-console-login-burst");
    }

    @Test
    void reportsBadThresholdsAndWindows() {
        String burst = "rule: failed-console-login-burst\n    settings: ";
        assertThat(overrideProblem("rule: console-login\n    disabled: true", burst + "{treshold: 5}"))
                .contains("'settings.treshold' is not a setting of failed-console-login-burst (it has: threshold,"
                        + " window)");
        assertThat(overrideProblem("rule: console-login\n    disabled: true", burst + "{threshold: 0}"))
                .contains("'settings.threshold': bad value '0' for burst.failed-login.threshold: must be greater"
                        + " than zero");
        assertThat(overrideProblem("rule: console-login\n    disabled: true", burst + "{window: soon}"))
                .contains("'settings.window': bad value 'soon' for burst.failed-login.window");
        assertThat(overrideProblem("rule: console-login\n    disabled: true", burst + "{window: [5m]}"))
                .contains("'settings.window' must be a value, found a list");
        assertThat(overrideProblem("rule: console-login\n    disabled: true", burst + "{}"))
                .contains("'settings' is empty: give threshold, window");
        assertThat(overrideProblem("rule: console-login\n    disabled: true", burst
                + "{threshold: 20}\n    accounts: [\"111122223333\"]"))
                .contains("'settings' apply to the whole detection");
        assertThat(overrideProblem("rule: console-login\n    disabled: true", burst
                + "{threshold: 20}\n    expires: 2027-01-01")).contains("'settings' are applied at start and cannot"
                + " expire");
    }

    @Test
    void refusesDuplicateIdsAndContradictions() {
        assertThat(problems("t.yml", """
                exceptions:
                  - {id: same, reason: r, owner: o, rule: console-login, when: {role: a}}
                overrides:
                  - {id: same, reason: r, owner: o, rule: console-login, disabled: true}
                  - {id: high, reason: r, owner: o, rule: iam-user-created, severity: HIGH}
                  - {id: low, reason: r, owner: o, rule: iam-user-created, severity: LOW}
                  - {id: t1, reason: r, owner: o, rule: first-region-use, settings: {learning-period: 3d}}
                  - {id: t2, reason: r, owner: o, rule: first-service-use, settings: {learning-period: 5d}}
                """)).containsExactlyInAnyOrder(
                "t.yml: override same: duplicate id 'same' (also in t.yml); ids must be unique over all tuning files",
                "t.yml: override low: sets rule iam-user-created to LOW for all accounts, but override high (t.yml)"
                        + " sets it to HIGH",
                "t.yml: override t2: sets baseline.learning-period to 5d, but override t1 (t.yml) sets it to 3d (both"
                        + " rules use this setting)");
    }

    @Test
    void loadsADirectoryAndReportsTheProblemsOfEveryFile(@TempDir Path dir) throws IOException, TuningException {
        Files.createDirectories(dir.resolve("team-a"));
        Files.writeString(dir.resolve("team-a/ci.yml"), EXCEPTION);
        Files.writeString(dir.resolve("scanners.json"), "{\"exceptions\": [{\"id\": \"qualys\", \"reason\": \"r\","
                + " \"owner\": \"o\", \"rules\": \"all\", \"when\": {\"sourceIp\": \"64.39.96.0/20\"}}]}");
        Files.writeString(dir.resolve("notes.txt"), "not a tuning file");

        assertThat(TuningParser.load(dir).exceptions()).extracting(ExceptionEntry::id)
                .containsExactly("qualys", "terraform-deploy");

        Files.writeString(dir.resolve("copy.yaml"), EXCEPTION);
        Files.writeString(dir.resolve("broken.yml"), "exceptions: [{id: x}]");
        assertThatThrownBy(() -> TuningParser.load(dir)).isInstanceOf(TuningException.class)
                .hasMessageContaining(dir.resolve("broken.yml") + ": exceptions[0] (id x): 'reason' is missing")
                .hasMessageContaining("duplicate id 'terraform-deploy'");
    }

    @Test
    void reportsAMissingPath(@TempDir Path dir) {
        assertThatThrownBy(() -> TuningParser.load(dir.resolve("nope")))
                .hasMessage("bad tuning: " + dir.resolve("nope") + ": no such file or directory");
    }

    @Test
    void namesEntriesForRulesTheDetectorDoesNotHave() throws TuningException {
        TuningSet set = TuningParser.parse("t.yml", EXCEPTION + """
                overrides:
                  - {id: logins-off, reason: r, owner: o, rule: console-logins, disabled: true}
                """);

        assertThat(set.unknownRules(Set.of("security-group-changed", "console-login"))).extracting(Object::toString)
                .containsExactly("t.yml: exception terraform-deploy: unknown rule id 'network-acl-changed' (see"
                                + " docs/detections/ for the ids, or your rules.dir)",
                        "t.yml: override logins-off: unknown rule id 'console-logins' (see docs/detections/ for the ids, or"
                                + " your rules.dir)");
    }

    @Test
    void readsAnExceptionsInlineTestCases() throws TuningException {
        TuningSet set = TuningParser.parse("t.yml", """
                exceptions:
                  - id: deploy
                    reason: the deploy role changes security groups
                    owner: platform
                    rule: security-group-changed
                    when: {role: deploy}
                    tests:
                      - name: the deploy role
                        excepted: true
                        at: 2027-01-01
                        ou: ou-prod-1
                        event: {"eventVersion": "1.09", "eventTime": "2026-05-01T10:00:00Z",
                                "eventSource": "ec2.amazonaws.com", "eventName": "AuthorizeSecurityGroupIngress",
                                "awsRegion": "eu-west-1", "eventID": "e1", "recipientAccountId": "111122223333",
                                "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/bob"}}
                      - name: from a file
                        excepted: false
                        eventFile: events/other.json
                  - id: sandbox
                    reason: sandbox regions
                    owner: cloud
                    rules: all
                    when: {account: "444455556666"}
                    tests:
                      - name: a stub
                        rule: first-region-use
                        excepted: true
                        alert: {account: "444455556666", principal: "arn:aws:iam::444455556666:user/a",
                                severity: low, evidence: {newRegion: ap-east-1}}
                """);

        List<TuningCase> deploy = set.exceptions().get(0).tests();
        assertThat(deploy).extracting(TuningCase::name, TuningCase::rule, TuningCase::expect)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("the deploy role", "security-group-changed",
                                new TuningCase.Excepted(true)),
                        org.assertj.core.groups.Tuple.tuple("from a file", "security-group-changed",
                                new TuningCase.Excepted(false)));
        assertThat(deploy.get(0).at()).as("a date is the start of that day").isEqualTo(Instant.parse(
                "2027-01-01T00:00:00Z"));
        assertThat(deploy.get(0).ou()).isEqualTo("ou-prod-1");
        assertThat(deploy.get(0).event().eventName()).isEqualTo("AuthorizeSecurityGroupIngress");
        assertThat(deploy.get(1).eventFile()).isEqualTo("events/other.json");
        TuningCase stub = set.exceptions().get(1).tests().get(0);
        assertThat(stub.alert().account()).isEqualTo("444455556666");
        assertThat(stub.alert().severity()).isEqualTo(Severity.LOW);
        assertThat(stub.alert().evidence()).containsEntry("newRegion", "ap-east-1");
    }

    @Test
    void reportsEachBadTestCaseNamingIt() {
        List<String> found = problems("t.yml", """
                exceptions:
                  - id: every
                    reason: r
                    owner: o
                    rules: all
                    when: {role: deploy}
                    tests:
                      - name: no rule
                        excepted: true
                        alert: {principal: p}
                      - name: two inputs
                        rule: console-login
                        excepted: maybe
                        alert: {principal: p}
                        eventFile: e.json
                      - name: not a record
                        rule: console-login
                        excepted: false
                        at: tomorrow
                        event: {"hello": "world"}
                      - name: bad stub
                        rule: console-login
                        excepted: false
                        alert: {account: 12345, colour: red}
                """);

        String at = "t.yml: exceptions[0] (id every): ";
        assertThat(found).contains(
                at + "tests[0] ('no rule'): 'rule' is missing: this exception covers every rule, so name the rule"
                        + " whose alert the case judges",
                at + "tests[1] ('two inputs'): 'excepted' must be true (this exception removes the alert) or false"
                        + " (the alert goes out), found 'maybe'",
                at + "tests[1] ('two inputs'): give exactly one of 'event' (a CloudTrail record), 'eventFile' (a file"
                        + " holding one, relative to this file) or 'alert' (the alert's fields, for a stateful"
                        + " detection)",
                at + "tests[2] ('not a record').at 'tomorrow' is not a date (2027-06-30) or a time with a zone"
                        + " (2027-06-30T18:00:00Z)",
                at + "unknown key 'tests[3] ('bad stub').alert.colour' (known: account, eventName, eventSource,"
                        + " evidence, principal, region, severity, sourceIp, userAgent)",
                at + "tests[3] ('bad stub').alert.account: '12345' is not a 12-digit account id (quote it)");
        assertThat(found).anyMatch(p -> p.startsWith(at + "tests[2] ('not a record').event: not a CloudTrail"
                + " record: "));
    }

    @Test
    void readsAnOverridesCasesAndRefusesCasesOnThresholds() throws TuningException {
        TuningSet set = TuningParser.parse("o.yml", """
                overrides:
                  - id: sandbox-regions
                    reason: sandboxes try regions all the time
                    owner: cloud-team
                    rule: first-region-use
                    severity: low
                    ous: ["ou-sand-*"]
                    tests:
                      - name: sandbox
                        ou: ou-sand-1
                        severity: LOW
                        alert: {account: "444455556666"}
                      - name: off elsewhere
                        written: false
                        alert: {account: "444455556666"}
                """);
        assertThat(set.overrides().get(0).tests()).extracting(TuningCase::rule, TuningCase::expect).containsExactly(
                org.assertj.core.groups.Tuple.tuple("first-region-use", new TuningCase.Written(true, Severity.LOW)),
                org.assertj.core.groups.Tuple.tuple("first-region-use", new TuningCase.Written(false, null)));

        assertThat(problems("o.yml", """
                overrides:
                  - id: office
                    reason: NAT
                    owner: soc
                    rule: failed-console-login-burst
                    settings: {threshold: 20}
                    tests:
                      - {name: a, written: true, alert: {account: "111122223333"}}
                  - id: quiet
                    reason: r
                    owner: soc
                    rule: console-login
                    disabled: true
                    tests:
                      - {name: nothing expected, alert: {account: "111122223333"}}
                      - {name: both, written: false, severity: LOW, alert: {account: "111122223333"}}
                      - {name: excepted is for exceptions, excepted: true, alert: {account: "111122223333"}}
                """)).contains(
                "o.yml: overrides[0] (id office): 'tests' judge what an override does to an alert (disabled, severity);"
                        + " thresholds and windows change which alerts are raised, which a case cannot show: test them"
                        + " with trailwatch scan",
                "o.yml: overrides[1] (id quiet): tests[0] ('nothing expected'): give what the alert must become:"
                        + " 'written: false' (the rule is off for it) or 'severity: <level>' (the severity it is"
                        + " written with)",
                "o.yml: overrides[1] (id quiet): tests[1] ('both'): an alert that is not written has no severity:"
                        + " remove 'severity' or 'written: false'",
                "o.yml: overrides[1] (id quiet): unknown key 'tests[2] ('excepted is for exceptions').excepted' (known:"
                        + " alert, at, event, eventFile, name, ou, rule, severity, written)");
    }

    private static List<String> problems(String source, String text) {
        try {
            TuningParser.parse(source, text);
        } catch (TuningException e) {
            return e.problems().stream().map(Object::toString).toList();
        }
        throw new AssertionError("expected problems in " + text);
    }

    /** The one problem of a valid exception with {@code from} replaced by {@code to}. */
    private static String exceptionProblem(String from, String to) {
        String valid = """
                exceptions:
                  - id: e1
                    reason: r
                    owner: o
                    expires: 2027-06-30
                    rule: console-login
                    when:
                      role: deploy
                """;
        assertThat(valid).contains(from);
        List<String> found = problems("t.yml", valid.replace(from, to));
        assertThat(found).as("problems of %s", to).hasSize(1);
        return found.get(0);
    }

    private static String overrideProblem(String from, String to) {
        String valid = """
                overrides:
                  - id: o1
                    reason: r
                    owner: o
                    rule: console-login
                    disabled: true
                """;
        assertThat(valid).contains(from);
        List<String> found = problems("t.yml", valid.replace(from, to));
        assertThat(found).as("problems of %s", to).hasSize(1);
        return found.get(0);
    }
}
