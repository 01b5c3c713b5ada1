package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.SortedSet;

/**
 * What the first-use baseline found: an account used a region or a service it has not used within the TTL, after its
 * learning period. Each first-use detection words its own alert from it.
 *
 * @param what        the new region or service
 * @param known       the regions or services the account does use, {@code what} excluded
 * @param since       when the account's baseline began (epoch millis, event time)
 * @param accountName the account's name from the organization model, or null
 */
record FirstUse(Kind kind, CloudTrailEvent event, String what, SortedSet<String> known, long since,
                String accountName) {

    enum Kind { REGION, SERVICE }
}
