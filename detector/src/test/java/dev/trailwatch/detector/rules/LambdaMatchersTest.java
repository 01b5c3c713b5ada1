package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class LambdaMatchersTest {

    private final RequestMatcher permission = RequestMatchers.named("lambda-permission-other-account").orElseThrow();
    private final RequestMatcher layer = RequestMatchers.named("lambda-layer-other-account").orElseThrow();

    private static CloudTrailEvent addPermission(String principal) {
        return TestEvents.call("lambda.amazonaws.com", "AddPermission20150331v2", """
                {"functionName": "billing-export", "statementId": "partner", "action": "lambda:InvokeFunction",
                 "principal": "%s"}""".formatted(principal));
    }

    @Test
    void alertsWhenAnotherAccountMayInvokeTheFunction() {
        CloudTrailEvent byId = addPermission("193672423079");
        CloudTrailEvent byArn = addPermission("arn:aws:iam::193672423079:root");

        assertThat(permission.matches(byId)).isTrue();
        assertThat(permission.matches(byArn)).isTrue();
        assertThat(permission.evidence(byArn)).containsEntry("otherAccounts", List.of("193672423079"));
    }

    @Test
    void staysQuietForServicesTheOwnAccountAndEveryone() {
        assertThat(permission.matches(addPermission("s3.amazonaws.com"))).isFalse();
        assertThat(permission.matches(addPermission("111122223333"))).isFalse();
        assertThat(permission.matches(addPermission("arn:aws:iam::111122223333:role/scheduler"))).isFalse();
        assertThat(permission.matches(addPermission("*"))).isFalse();
    }

    @Test
    void alertsWhenALayerOfAnotherAccountIsAttached() {
        CloudTrailEvent request = TestEvents.call("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", """
                {"functionName": "orders", "layers": ["arn:aws:lambda:us-east-1:111122223333:layer:common:4",
                 "arn:aws:lambda:us-east-1:701037431466:layer:telemetry-extension:1"]}""");

        assertThat(layer.matches(request)).isTrue();
        assertThat(layer.evidence(request)).containsEntry("otherAccountLayers",
                List.of("arn:aws:lambda:us-east-1:701037431466:layer:telemetry-extension:1"));
    }

    @Test
    void readsTheLayersOfTheResponseToo() {
        ObjectNode record = TestEvents.record("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
                "{\"functionName\": \"orders\"}");
        record.set("responseElements", TestEvents.tree("""
                {"functionName": "orders", "layers": [{"arn": "arn:aws:lambda:us-east-1:701037431466:layer:x:1",
                 "codeSize": 2048}]}"""));

        assertThat(layer.matches(TestEvents.parse(record))).isTrue();
    }

    @Test
    void staysQuietForOwnLayersAndNoLayers() {
        assertThat(layer.matches(TestEvents.call("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
                "{\"functionName\": \"orders\", \"layers\": [\"arn:aws:lambda:us-east-1:111122223333:layer:a:1\"]}")))
                .isFalse();
        assertThat(layer.matches(TestEvents.call("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2",
                "{\"functionName\": \"orders\", \"layers\": []}"))).isFalse();
    }
}
