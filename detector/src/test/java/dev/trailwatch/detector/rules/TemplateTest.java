package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.model.CloudTrailEvent;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private final CloudTrailEvent event = TestEvents.call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
            "{\"groupId\": \"sg-0a1b2c3d4e5f67890\", \"ipPermissions\": {\"items\": [{\"fromPort\": 22}]}}");

    @Test
    void fillsNamedPlaceholdersFromTheEvent() {
        assertThat(Template.parse("{eventName} by {principal} in {accountId}/{region} from {sourceIp}")
                .render(event)).isEqualTo("AuthorizeSecurityGroupIngress by arn:aws:iam::111122223333:user/alice"
                + " in 111122223333/us-east-1 from 198.51.100.23");
    }

    @Test
    void fillsSelectorsIncludingArrayIndexes() {
        assertThat(Template.parse("{$.requestParameters.groupId} port {$.requestParameters.ipPermissions.items[0]"
                + ".fromPort}").render(event)).isEqualTo("sg-0a1b2c3d4e5f67890 port 22");
    }

    @Test
    void takesTheFirstAlternativeWithAValue() {
        assertThat(Template.parse("{$.requestParameters.name|$.requestParameters.groupId|principal}")
                .render(event)).isEqualTo("sg-0a1b2c3d4e5f67890");
    }

    @Test
    void showsMissingValuesAsUnknownAndObjectsAsJson() {
        assertThat(Template.parse("{$.requestParameters.nope} {$.requestParameters.ipPermissions}").render(event))
                .isEqualTo("(unknown) {\"items\":[{\"fromPort\":22}]}");
    }

    @Test
    void showsEc2QueryApiValuesAsTheirContent() {
        // The real record from elastic's integration tests (DeleteFlowLogs, one id) and the list form of two ids.
        CloudTrailEvent one = TestEvents.call("ec2.amazonaws.com", "DeleteFlowLogs",
                "{\"DeleteFlowLogsRequest\": {\"FlowLogId\": {\"content\": \"fl-07a9b55570fe770b6\", \"tag\": 1}}}");
        CloudTrailEvent two = TestEvents.call("ec2.amazonaws.com", "DeleteFlowLogs",
                "{\"DeleteFlowLogsRequest\": {\"FlowLogId\": [{\"content\": \"fl-1\", \"tag\": 1},"
                        + " {\"content\": \"fl-2\", \"tag\": 2}]}}");
        Template flowLogs = Template.parse("deleted flow logs {$.requestParameters.DeleteFlowLogsRequest.FlowLogId}");

        assertThat(flowLogs.render(one)).isEqualTo("deleted flow logs fl-07a9b55570fe770b6");
        assertThat(flowLogs.render(two)).isEqualTo("deleted flow logs fl-1, fl-2");
    }

    @Test
    void showsTargetsAsKeyEqualsValuesAndListsAsText() {
        CloudTrailEvent targets = TestEvents.call("ssm.amazonaws.com", "SendCommand",
                "{\"targets\": [{\"key\": \"instanceids\", \"values\": [\"i-0ddf9acf8eeb33959\"]}],"
                        + " \"documentName\": \"EncryptFilesAndUploadRansomNote\"}");
        CloudTrailEvent ids = TestEvents.call("ssm.amazonaws.com", "SendCommand",
                "{\"instanceIds\": [\"i-1\", \"i-2\"], \"documentName\": \"AWS-RunShellScript\"}");
        CloudTrailEvent emptyIds = TestEvents.call("ssm.amazonaws.com", "SendCommand",
                "{\"instanceIds\": [], \"targets\": [{\"key\": \"tag:Env\", \"values\": [\"prod\", \"stage\"]}]}");
        Template on = Template.parse("on {$.requestParameters.instanceIds|$.requestParameters.targets}");

        assertThat(on.render(targets)).isEqualTo("on instanceids=i-0ddf9acf8eeb33959");
        assertThat(on.render(ids)).isEqualTo("on i-1, i-2");
        assertThat(on.render(emptyIds)).isEqualTo("on tag:Env=prod,stage");
    }

    @Test
    void keepsObjectsThatOnlyLookLikeWrappersAsJson() {
        CloudTrailEvent other = TestEvents.call("ec2.amazonaws.com", "X",
                "{\"a\": {\"content\": \"x\", \"size\": 3}, \"b\": [{\"content\": \"y\"}, {\"n\": 1}]}");

        assertThat(Template.parse("{$.requestParameters.a} {$.requestParameters.b}").render(other))
                .isEqualTo("{\"content\":\"x\",\"size\":3} [{\"content\":\"y\"},{\"n\":1}]");
    }

    @Test
    void keepsTextWithoutPlaceholders() {
        assertThat(Template.parse("Root user used").render(event)).isEqualTo("Root user used");
    }

    @Test
    void rejectsUnknownPlaceholdersAndBadSelectors() {
        assertThatThrownBy(() -> Template.parse("by {princpal}")).hasMessageContaining("unknown placeholder "
                + "{princpal}");
        assertThatThrownBy(() -> Template.parse("{$.a..b}")).hasMessageContaining(
                "not valid at column 5: expected a property name");
        assertThatThrownBy(() -> Template.parse("{eventName")).hasMessageContaining("never closed");
    }

    @Test
    void fieldPathsResolveToMissingNodesRatherThanNull() {
        FieldPath path = FieldPath.parse("$.requestParameters.ipPermissions.items[3].fromPort");

        assertThat(path.key()).isEqualTo("requestParameters.ipPermissions.items[3].fromPort");
        assertThat(path.resolve(event.record()).isMissingNode()).isTrue();
        assertThatThrownBy(() -> FieldPath.parse("requestParameters")).hasMessageContaining("must start with '$.'");
    }
}
