package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One inline test case of an exception ({@code tests:} in a tuning file): an alert of {@code rule}, made either by the
 * rule from a CloudTrail record ({@code event:} inline or {@code eventFile:} next to the tuning file) or, for a
 * stateful detection that no single record alerts on, given as an {@code alert:} stub; and whether the tuning must
 * keep it off the alerts topic ({@code excepted: true}) or let it through ({@code excepted: false}).
 * {@code trailwatch rules test} runs the cases ({@link ExceptionTests}); the detector reads them as part of the file
 * and ignores them otherwise.
 *
 * @param name      what the case shows, in the PASS/FAIL line
 * @param rule      the rule whose alert is judged
 * @param excepted  true: this exception removes the alert; false: the tuning lets it through
 * @param at        the event time the alert is judged at (expiry), replacing the record's {@code eventTime}; null =
 *                  the record's time, or the clock for a stub without one
 * @param ou        the OU the accounts topic gives the alert's account ({@code ou} matchers), or null
 * @param event     the inline record, or null
 * @param eventFile a file holding the record, relative to the tuning file, or null
 * @param alert     the alert's fields, or null
 */
public record ExceptionCase(String name, String rule, boolean excepted, Instant at, String ou, CloudTrailEvent event,
                            String eventFile, AlertStub alert) {

    /**
     * The fields of an alert a stateful detection raises (first-region-use, a burst, a Sigma correlation), as far as
     * exceptions read them.
     */
    public record AlertStub(String principal, String account, String sourceIp, String userAgent, String eventName,
                            String eventSource, String region, Severity severity, Map<String, Object> evidence) {

        public AlertStub {
            evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
        }
    }
}
