package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One inline test case of an exception or an override ({@code tests:} in a tuning file): an alert of {@code rule},
 * made either by the rule from a CloudTrail record ({@code event:} inline or {@code eventFile:} next to the tuning
 * file) or, for a stateful detection that no single record alerts on, given as an {@code alert:} stub; and what the
 * tuning must do with it. {@code trailwatch rules test} runs the cases ({@link TuningTests}); the detector reads them
 * as part of the file and ignores them otherwise.
 *
 * @param name      what the case shows, in the PASS/FAIL line
 * @param rule      the rule whose alert is judged
 * @param expect    the outcome: {@link Excepted} for an exception's case, {@link Written} for an override's
 * @param at        the event time the alert is judged at (expiry), replacing the record's {@code eventTime}; null =
 *                  the record's time, or the clock for a stub without one
 * @param ou        the OU the accounts topic gives the alert's account ({@code ou} matchers), or null
 * @param event     the inline record, or null
 * @param eventFile a file holding the record, relative to the tuning file, or null
 * @param alert     the alert's fields, or null
 */
public record TuningCase(String name, String rule, Expect expect, Instant at, String ou, CloudTrailEvent event,
                         String eventFile, AlertStub alert) {

    /** What the tuning must do with the case's alert. */
    public sealed interface Expect {
    }

    /**
     * An exception's case ({@code excepted:}).
     *
     * @param excepted true: this exception keeps the alert off the alerts topic; false: the tuning lets it through
     */
    public record Excepted(boolean excepted) implements Expect {
    }

    /**
     * An override's case ({@code written:}, {@code severity:}).
     *
     * @param written  false: the alert is not written (a disabled rule); true: it is written
     * @param severity when written, the severity it must have, or null for any
     */
    public record Written(boolean written, Severity severity) implements Expect {
    }

    /** True for an exception's case that expects its alert to be excepted. */
    public boolean expectsExcepted() {
        return expect instanceof Excepted e && e.excepted();
    }

    /**
     * The fields of an alert a stateful detection raises (first-region-use, a burst, a Sigma correlation), as far as
     * exceptions and overrides read them.
     */
    public record AlertStub(String principal, String account, String sourceIp, String userAgent, String eventName,
                            String eventSource, String region, Severity severity, Map<String, Object> evidence) {

        public AlertStub {
            evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
        }
    }
}
