package dev.trailwatch.detector.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The named Java matchers rule files may use, by name. The set is fixed at build time and immutable: a rule naming a
 * matcher that is not here fails to load.
 *
 * <ul>
 *   <li>{@code ingress-open-to-world}, {@code nacl-entry-open-to-world}: see {@link NetworkMatchers}</li>
 *   <li>{@code snapshot-shared}, {@code snapshot-shared-publicly}, {@code snapshot-shared-with-account}: see
 *       {@link SharingMatchers}</li>
 *   <li>{@code admin-policy-attached}, {@code policy-grants-admin}, {@code access-key-for-other-user},
 *       {@code login-profile-for-other-user}: see {@link IdentityMatchers}</li>
 *   <li>{@code bucket-policy-public}, {@code bucket-acl-public}, {@code resource-policy-public},
 *       {@code trust-policy-public}, {@code trust-policy-other-account},
 *       {@code public-access-block-disabled}: see {@link ExposureMatchers}</li>
 *   <li>{@code guardduty-detector-disabled}, {@code rds-made-public}, {@code management-events-excluded},
 *       {@code lifecycle-expires-all-objects}, {@code security-alarm-named},
 *       {@code object-rewritten-with-customer-key}: see
 *       {@link DefenseMatchers}</li>
 *   <li>{@code lambda-permission-other-account}, {@code lambda-layer-other-account}: see {@link LambdaMatchers}</li>
 *   <li>{@code unusual-instance-type}: see {@link ComputeMatchers}</li>
 * </ul>
 */
public final class RequestMatchers {

    private static final Map<String, RequestMatcher> BY_NAME = index(Stream.of(
                    NetworkMatchers.all(), SharingMatchers.all(), IdentityMatchers.all(), ExposureMatchers.all(),
                    DefenseMatchers.all(), LambdaMatchers.all(), ComputeMatchers.all())
            .flatMap(List::stream).toList());

    private RequestMatchers() {
    }

    public static Optional<RequestMatcher> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Every matcher, in a stable order (for docs and error messages). */
    public static List<RequestMatcher> all() {
        return List.copyOf(BY_NAME.values());
    }

    private static Map<String, RequestMatcher> index(List<RequestMatcher> matchers) {
        Map<String, RequestMatcher> byName = new LinkedHashMap<>();
        for (RequestMatcher matcher : matchers) {
            if (byName.put(matcher.name(), matcher) != null) {
                throw new IllegalStateException("two matchers are named " + matcher.name());
            }
        }
        return Collections.unmodifiableMap(byName);
    }
}
