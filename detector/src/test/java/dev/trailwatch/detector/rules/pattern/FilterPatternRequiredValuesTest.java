package dev.trailwatch.detector.rules.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FilterPattern#requiredValues}: what lets the rule index skip rules that cannot match an event name. */
class FilterPatternRequiredValuesTest {

    private static Optional<Set<String>> eventNames(String pattern) {
        return FilterPattern.parse(pattern).requiredValues("$.eventName");
    }

    @Test
    void singleEqualityPinsTheValue() {
        assertThat(eventNames("{ $.eventName = ConsoleLogin }")).contains(Set.of("ConsoleLogin"));
        assertThat(eventNames("{ ($.eventName = \"Console\\\"Login\") }")).contains(Set.of("Console\"Login"));
        assertThat(eventNames("{ $.eventName = \"Ev*ent\" }")).as("a middle * is literal").contains(Set.of("Ev*ent"));
    }

    @Test
    void orOfEqualitiesGivesTheirUnionInWrittenOrder() {
        Optional<Set<String>> names = eventNames("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) ||"
                + " ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }");

        assertThat(names).hasValueSatisfying(values -> assertThat(values)
                .containsExactly("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"));
    }

    @Test
    void andWithOtherClausesKeepsTheConstraint() {
        String cis47 = "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName="
                + "ScheduleKeyDeletion)) }";
        String cis42 = "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") }";

        assertThat(eventNames(cis47)).contains(Set.of("DisableKey", "ScheduleKeyDeletion"));
        assertThat(FilterPattern.parse(cis47).requiredValues("$.eventSource")).contains(Set.of("kms.amazonaws.com"));
        assertThat(eventNames(cis42)).contains(Set.of("ConsoleLogin"));
        assertThat(eventNames("{ $.eventSource = iam.amazonaws.com && ($.eventName = A || ($.eventName = B &&"
                + " $.x = 1)) }")).contains(Set.of("A", "B"));
    }

    @Test
    void severalConstraintsUnderAndIntersect() {
        assertThat(eventNames("{ ($.eventName = A || $.eventName = B) && ($.eventName = B || $.eventName = C) }"))
                .contains(Set.of("B"));
        assertThat(eventNames("{ $.eventName = A && $.eventName = B }"))
                .as("contradiction: the pattern never matches").contains(Set.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{ $.eventName = Create* }",
        "{ $.eventName = \"*Policy\" }",
        "{ $.eventName = * }",
        "{ $.eventName != ConsoleLogin }",
        "{ $.eventName = %^Create% }",
        "{ $.eventName = 5 }",
        "{ $.eventName NOT EXISTS }",
        "{ $.eventName = ConsoleLogin || $.errorCode = AccessDenied }",
        "{ $.eventName = ConsoleLogin || ($.eventName = Create* && $.eventSource = iam.amazonaws.com) }",
        "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }",
        "{ $.eventName[0] = ConsoleLogin }",
        "{ $.requestParameters.eventName = ConsoleLogin }"})
    void isEmptyWhenThePatternDoesNotPinTheSelector(String pattern) {
        assertThat(eventNames(pattern)).isEmpty();
    }

    @Test
    void returnsAnUnmodifiableSet() {
        Set<String> names = eventNames("{ $.eventName = A || $.eventName = B }").orElseThrow();

        assertThatThrownBy(() -> names.add("C")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aComparedFieldMustBePresentOnEveryPathThroughThePattern() {
        assertThat(FilterPattern.parse("{ $.errorCode = \"AccessDenied*\" }").requiresPresent("$.errorCode")).isTrue();
        assertThat(FilterPattern.parse("{ $.errorCode != \"Throttling\" }").requiresPresent("$.errorCode"))
                .as("!= matches only a present value").isTrue();
        assertThat(FilterPattern.parse("{ ($.eventName = X) && ($.errorCode >= 400) }").requiresPresent("$.errorCode"))
                .isTrue();
        assertThat(FilterPattern.parse("{ ($.errorCode = \"A*\") || ($.errorCode = \"*B\") }")
                .requiresPresent("$.errorCode")).isTrue();
        assertThat(FilterPattern.parse("{ $.errorCode IS NULL }").requiresPresent("$.errorCode")).isTrue();
    }

    @Test
    void aFieldIsNotRequiredWhereThePatternAllowsItsAbsence() {
        assertThat(FilterPattern.parse("{ $.errorCode NOT EXISTS }").requiresPresent("$.errorCode")).isFalse();
        assertThat(FilterPattern.parse("{ ($.errorCode = \"A*\") || ($.eventName = X) }")
                .requiresPresent("$.errorCode")).as("one || branch does not compare it").isFalse();
        assertThat(FilterPattern.parse("{ $.eventName = X }").requiresPresent("$.errorCode")).isFalse();
    }
}
