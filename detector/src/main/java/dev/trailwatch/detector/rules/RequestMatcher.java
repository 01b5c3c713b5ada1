package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A named Java check for what a CloudWatch filter pattern cannot express (a CIDR anywhere in a nested list, a policy
 * document inside a JSON string, "the target user is not the caller"). A rule names it with {@code matcher:} (it must
 * hold as well as the condition) or in an escalation ({@code matcher:} instead of, or with, {@code when:}).
 *
 * @param name    the name rule files use, kebab-case
 * @param summary one sentence for the generated docs: what makes it match
 * @param test    the check itself; never throws on an odd record, it answers {@code false}
 * @param details evidence for the alert when it matches (e.g. the CIDRs opened); insertion-ordered, no nulls
 */
public record RequestMatcher(String name, String summary, Predicate<CloudTrailEvent> test,
                             Function<CloudTrailEvent, Map<String, Object>> details) {

    public boolean matches(CloudTrailEvent event) {
        return test.test(event);
    }

    public Map<String, Object> evidence(CloudTrailEvent event) {
        return details.apply(event);
    }
}
