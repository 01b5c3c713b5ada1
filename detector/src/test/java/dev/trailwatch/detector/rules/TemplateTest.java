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
