package dev.trailwatch.detector.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detection language on real-shaped records: values, wildcards, modifiers, conditions and their precedence. */
class SigmaMatchingTest {

    /** A rule over CloudTrail with the given detection body (indented by 4). */
    static SigmaRule rule(String detection) {
        String yaml = """
                title: Test rule
                id: 11111111-2222-4333-8444-555555555555
                logsource:
                    product: aws
                    service: cloudtrail
                detection:
                """ + detection.indent(4) + "level: high\n";
        SigmaRules.Loaded loaded = SigmaRules.compile(List.of(new SigmaRules.Input("rules/test_rule.yml", yaml)));
        assertThat(loaded.refusals()).as("refusals").isEmpty();
        return loaded.rules().get(0);
    }

    static JsonNode record(String json) {
        return SigmaEvents.tree(json);
    }

    private static final JsonNode CONSOLE_LOGIN = record("""
            {"eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com", "sourceIPAddress": "203.0.113.9",
             "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
             "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice", "userName": "alice"},
             "additionalEventData": {"MFAUsed": "No", "LoginTo": "https://console.aws.amazon.com/"},
             "responseElements": {"ConsoleLogin": "Success"}, "eventTime": "2025-03-02T23:15:00Z",
             "requestParameters": null}""");

    @Test
    void plainValuesCompareWholeAndIgnoreCase() {
        assertThat(rule("sel:\n    eventName: consolelogin\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    eventName: Console\ncondition: sel").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule("sel:\n    eventName|cased: consolelogin\ncondition: sel").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule("sel:\n    eventName|cased: ConsoleLogin\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
    }

    @Test
    void wildcardsAndTheirEscapes() {
        assertThat(rule("sel:\n    eventName: 'Console*'\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    eventName: '*LOGIN'\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    eventName: 'Console?ogin'\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    eventName: 'Console??ogin'\ncondition: sel").matches(CONSOLE_LOGIN)).isFalse();
        JsonNode star = record("{\"eventName\": \"Get*\", \"requestParameters\": {\"path\": \"C:\\\\dir\\\\*\"}}");
        assertThat(rule("sel:\n    eventName: 'Get\\*'\ncondition: sel").matches(star)).isTrue();
        assertThat(rule("sel:\n    eventName: 'Get\\*'\ncondition: sel").matches(record("{\"eventName\": \"GetX\"}")))
                .isFalse();
        // \\* is a backslash then a wildcard; \\\* a backslash then a plain star
        assertThat(rule("sel:\n    requestParameters.path: 'C:\\dir\\\\*'\ncondition: sel").matches(star)).isTrue();
        assertThat(rule("sel:\n    requestParameters.path: 'C:\\dir\\\\\\*'\ncondition: sel").matches(star)).isTrue();
        assertThat(rule("sel:\n    requestParameters.path: 'C:\\dir\\\\\\*'\ncondition: sel")
                .matches(record("{\"requestParameters\": {\"path\": \"C:\\\\dir\\\\x\"}}"))).isFalse();
    }

    @Test
    void containsStartswithEndswith() {
        assertThat(rule("sel:\n    userAgent|contains: 'linux x86'\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    userAgent|startswith: 'mozilla/'\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    userAgent|endswith: 'firefox/126.0'\ncondition: sel").matches(CONSOLE_LOGIN))
                .isTrue();
        assertThat(rule("sel:\n    userAgent|endswith: 'Mozilla'\ncondition: sel").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule("sel:\n    userAgent|contains|all:\n        - X11\n        - Firefox\ncondition: sel")
                .matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    userAgent|contains|all:\n        - X11\n        - Chrome\ncondition: sel")
                .matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule("sel:\n    userAgent|contains:\n        - X11\n        - Chrome\ncondition: sel")
                .matches(CONSOLE_LOGIN)).isTrue();
    }

    @Test
    void regularExpressionsAreCaseSensitiveUnlessI() {
        assertThat(rule("sel:\n    userIdentity.arn|re: ':user/ali'\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    userIdentity.arn|re: ':USER/'\ncondition: sel").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule("sel:\n    userIdentity.arn|re|i: ':USER/'\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    userIdentity.arn|re: '^arn:aws:iam::\\d{12}:user/[a-z]+$'\ncondition: sel")
                .matches(CONSOLE_LOGIN)).isTrue();
    }

    @Test
    void cidrMatchesAddressesInTheNetworkOnly() {
        assertThat(rule("sel:\n    sourceIPAddress|cidr: 203.0.113.0/24\ncondition: sel").matches(CONSOLE_LOGIN))
                .isTrue();
        assertThat(rule("sel:\n    sourceIPAddress|cidr: 203.0.112.0/24\ncondition: sel").matches(CONSOLE_LOGIN))
                .isFalse();
        assertThat(rule("sel:\n    sourceIPAddress|cidr: '2001:db8::/32'\ncondition: sel")
                .matches(record("{\"sourceIPAddress\": \"2001:db8:0:1::5\"}"))).isTrue();
        assertThat(rule("sel:\n    sourceIPAddress|cidr: 0.0.0.0/0\ncondition: sel")
                .matches(record("{\"sourceIPAddress\": \"ec2.amazonaws.com\"}"))).as("a service name is no address")
                .isFalse();
    }

    @Test
    void existsNullAndEmpty() {
        assertThat(rule("sel:\n    errorCode|exists: false\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    requestParameters|exists: true\ncondition: sel").matches(CONSOLE_LOGIN))
                .as("present though null").isTrue();
        assertThat(rule("sel:\n    errorCode: null\ncondition: sel").matches(CONSOLE_LOGIN)).as("absent").isTrue();
        assertThat(rule("sel:\n    requestParameters: null\ncondition: sel").matches(CONSOLE_LOGIN)).as("null")
                .isTrue();
        assertThat(rule("sel:\n    eventName: null\ncondition: sel").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule("sel:\n    errorCode: ''\ncondition: sel").matches(CONSOLE_LOGIN)).as("'' is not absent")
                .isFalse();
        assertThat(rule("sel:\n    errorCode: ''\ncondition: sel").matches(record("{\"errorCode\": \"\"}"))).isTrue();
    }

    @Test
    void numbersBooleansAndComparisons() {
        JsonNode update = record("""
                {"eventName": "UpdateDetector", "requestParameters": {"enable": false, "findingPublishingFrequency":
                 "SIX_HOURS", "maxResults": 50}, "responseElements": {"dbPort": "5432"}}""");
        assertThat(rule("sel:\n    requestParameters.enable: 'false'\ncondition: sel").matches(update)).isTrue();
        assertThat(rule("sel:\n    requestParameters.enable: false\ncondition: sel").matches(update)).isTrue();
        assertThat(rule("sel:\n    requestParameters.maxResults: 50\ncondition: sel").matches(update)).isTrue();
        assertThat(rule("sel:\n    requestParameters.maxResults|gt: 49\ncondition: sel").matches(update)).isTrue();
        assertThat(rule("sel:\n    requestParameters.maxResults|lt: 50\ncondition: sel").matches(update)).isFalse();
        assertThat(rule("sel:\n    requestParameters.maxResults|lte: 50\ncondition: sel").matches(update)).isTrue();
        assertThat(rule("sel:\n    responseElements.dbPort|gte: 5432\ncondition: sel").matches(update))
                .as("a number written as text").isTrue();
        assertThat(rule("sel:\n    eventTime|hour|gte: 22\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule("sel:\n    eventTime|month: 3\ncondition: sel").matches(CONSOLE_LOGIN)).isTrue();
        // an export's time (a space, no zone: UTC, as the parser reads eventTime) has the same hour
        JsonNode exported = record("""
                {"eventName": "ConsoleLogin", "eventTime": "2025-03-26 23:43:57.000000000"}""");
        assertThat(rule("sel:\n    eventTime|hour: 23\ncondition: sel").matches(exported)).isTrue();
        assertThat(rule("sel:\n    eventTime|day: 26\ncondition: sel").matches(exported)).isTrue();
    }

    @Test
    void fieldsStepThroughArraysAndObjectsContributeTheirValues() {
        JsonNode task = record("""
                {"eventName": "RegisterTaskDefinition", "requestParameters": {"containerDefinitions": [
                  {"name": "web", "command": ["nginx"]},
                  {"name": "side", "command": ["sh", "-c", "curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]}
                ]}}""");
        assertThat(rule("sel:\n    requestParameters.containerDefinitions.command|contains: "
                + "'$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'\ncondition: sel").matches(task)).isTrue();
        assertThat(rule("sel:\n    requestParameters.containerDefinitions.name: side\ncondition: sel").matches(task))
                .isTrue();
        assertThat(rule("sel:\n    requestParameters|contains: 'nginx'\ncondition: sel").matches(task))
                .as("any value inside an object").isTrue();
        assertThat(rule("sel:\n    requestParameters.containerDefinitions.command: ['nginx', 'sh']\n"
                + "    requestParameters.containerDefinitions.name|neq: web\ncondition: sel").matches(task))
                .as("neq: some value differs from web? no: none may equal it").isFalse();
    }

    @Test
    void fieldrefComparesTwoFieldsOfTheSameRecord() {
        SigmaRule sameUser = rule("sel:\n    userIdentity.userName|fieldref: requestParameters.userName\n"
                + "condition: sel");
        assertThat(sameUser.matches(record("{\"userIdentity\": {\"userName\": \"Alice\"},"
                + " \"requestParameters\": {\"userName\": \"alice\"}}"))).isTrue();
        assertThat(sameUser.matches(record("{\"userIdentity\": {\"userName\": \"alice\"},"
                + " \"requestParameters\": {\"userName\": \"bob\"}}"))).isFalse();
        assertThat(sameUser.matches(record("{\"userIdentity\": {\"userName\": \"alice\"}}"))).isFalse();
        assertThat(rule("sel:\n    userIdentity.arn|fieldref|endswith: requestParameters.userName\ncondition: sel")
                .matches(record("{\"userIdentity\": {\"arn\": \"arn:aws:iam::1:user/alice\"},"
                        + " \"requestParameters\": {\"userName\": \"alice\"}}"))).isTrue();
    }

    @Test
    void windashAndEncodings() {
        JsonNode cmd = record("{\"requestParameters\": {\"commands\": \"powershell /enc SQBFAFgA\","
                + " \"script\": \"ZWNobyBoZWxsbyB3b3JsZA==\", \"blob\": \"xxZWNobyBoZWxsbyB3b3JsZAyy\"}}");
        assertThat(rule("sel:\n    requestParameters.commands|windash|contains: ' -enc '\ncondition: sel")
                .matches(cmd)).isTrue();
        assertThat(rule("sel:\n    requestParameters.script|base64: 'echo hello world'\ncondition: sel")
                .matches(cmd)).isTrue();
        assertThat(rule("sel:\n    requestParameters.blob|base64offset|contains: 'hello'\ncondition: sel")
                .matches(cmd)).isTrue();
        assertThat(rule("sel:\n    requestParameters.blob|base64offset|contains: 'goodbye'\ncondition: sel")
                .matches(cmd)).isFalse();
    }

    @Test
    void keywordsSearchEveryValueOfTheRecord() {
        assertThat(rule("keywords:\n    - 'firefox'\n    - 'curl'\ncondition: keywords").matches(CONSOLE_LOGIN))
                .isTrue();
        assertThat(rule("keywords:\n    '|all':\n        - 'firefox'\n        - 'curl'\ncondition: keywords")
                .matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule("keywords:\n    - 'chrome'\ncondition: keywords").matches(CONSOLE_LOGIN)).isFalse();
    }

    @Test
    void listsOfMapsAreAlternativesAndMapsAreConjunctions() {
        SigmaRule rule = rule("sel:\n    - eventName: ConsoleLogin\n      errorCode: Failed\n    - userAgent|contains: curl\n"
                + "condition: sel");
        assertThat(rule.matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule.matches(record("{\"eventName\": \"ConsoleLogin\", \"errorCode\": \"failed\"}"))).isTrue();
        assertThat(rule.matches(record("{\"userAgent\": \"curl/8.1\"}"))).isTrue();
    }

    @Test
    void conditionPrecedenceIsOrThenAndThenNotThenOf() {
        String sels = "a:\n    eventName: ConsoleLogin\nb:\n    errorCode: x\nc:\n    userAgent|contains: Firefox\n";
        // a or b and c = a or (b and c)
        assertThat(rule(sels + "condition: b and c or a").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule(sels + "condition: b and (c or a)").matches(CONSOLE_LOGIN)).isFalse();
        // not binds tighter than and: (not b) and a
        assertThat(rule(sels + "condition: not b and a").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule(sels + "condition: not (b or a)").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule(sels + "condition: NOT b AND a").matches(CONSOLE_LOGIN)).as("keywords in any case").isTrue();
        assertThat(rule(sels + "condition: all of them").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule(sels + "condition: 1 of them").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule(sels + "condition:\n    - b\n    - c").matches(CONSOLE_LOGIN)).as("a list is OR").isTrue();
    }

    @Test
    void ofPatternsAndThemSkipUnderscoreIdentifiers() {
        String sels = "sel_login:\n    eventName: ConsoleLogin\nsel_ok:\n    responseElements.ConsoleLogin: Success\n"
                + "_helper:\n    eventName: Other\nfilter_mfa:\n    additionalEventData.MFAUsed: 'Yes'\n";
        assertThat(rule(sels + "condition: all of sel_* and not 1 of filter*").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule(sels + "condition: all of them").matches(CONSOLE_LOGIN)).isFalse();
        assertThat(rule(sels.replace("eventName: Other", "eventName: ConsoleLogin").replace("'Yes'", "'No'")
                + "condition: all of them").matches(CONSOLE_LOGIN)).isTrue();
        assertThat(rule(sels + "condition: all of sel_* and not _helper").matchedSearches(CONSOLE_LOGIN))
                .containsExactly("sel_login", "sel_ok");
    }
}
