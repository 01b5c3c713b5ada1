package dev.trailwatch.detector.tuning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.detect.Alerts;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.rules.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the inline test cases of exceptions and overrides ({@code tests:} in tuning files) through the code the
 * detector runs: the case's rule makes its alert from the record, as the watch-list does ({@link Alerts#draft}), or
 * the case gives the alert of a stateful detection as a stub; then {@link TuningSet#judge} decides it, as the tuning
 * step in front of the alerts topic does, with the whole tuning of the run (all files together: an alert another
 * exception or a disabling override removes does not go out either).
 *
 * <p>An exception's {@code excepted: true} passes when the case's own exception applies to the alert and the alert
 * is not written; {@code excepted: false} passes when the alert is written (maybe at another severity). A failure
 * says why: the rule raises no alert for the record, the exception does not cover the rule, it had expired at the
 * alert's event time, which of its matchers do not hold, or which other entry removes the alert. An override's
 * {@code written: false} passes when the alert is not written because a rule is disabled; {@code severity: X} when
 * it is written with severity X.
 */
public final class TuningTests {

    private static final CloudTrailParser RECORDS = new CloudTrailParser();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One case's outcome.
     *
     * @param entry   {@code exception ID} or {@code override ID}
     * @param source  the file of the entry
     * @param failure what is wrong, or empty when the case passed
     */
    public record Outcome(String entry, String source, TuningCase test, Optional<String> failure) {
        public boolean passed() {
            return failure.isEmpty();
        }
    }

    private final TuningSet tuning;
    private final Map<String, Rule> watchList;
    private final Set<String> stateful;
    private final Instant now;

    /**
     * @param tuning    every exception and override of the run, combined as the detector combines its files
     * @param watchList the rules that alert on single records (bundled, the run's rule files, Sigma), by id
     * @param stateful  the ids of detections no single record alerts on (bursts, first use, Sigma correlations)
     * @param now       the time of a stub without {@code at:}
     */
    public TuningTests(TuningSet tuning, Map<String, Rule> watchList, Set<String> stateful, Instant now) {
        this.tuning = tuning;
        this.watchList = Map.copyOf(watchList);
        this.stateful = Set.copyOf(stateful);
        this.now = now;
    }

    /** Every case of every exception, by exception id, then of every override, by override id. */
    public List<Outcome> run() {
        List<Outcome> out = new ArrayList<>();
        for (ExceptionEntry exception : tuning.exceptions()) {
            for (TuningCase test : exception.tests()) {
                out.add(new Outcome("exception " + exception.id(), exception.source(), test,
                        check(exception, test)));
            }
        }
        for (OverrideEntry override : tuning.overrides()) {
            for (TuningCase test : override.tests()) {
                out.add(new Outcome("override " + override.id(), override.source(), test, check(override, test)));
            }
        }
        return out;
    }

    private Optional<String> check(OverrideEntry override, TuningCase test) {
        String prefix = "test '" + test.name() + "': ";
        Alert alert;
        try {
            alert = alert(override.source(), test);
        } catch (CaseProblem e) {
            return Optional.of(prefix + e.getMessage());
        }
        AlertSubject subject = new AlertSubject(alert, account -> test.ou());
        Verdict verdict = tuning.judge(subject);
        TuningCase.Written expect = (TuningCase.Written) test.expect();
        String what = describe(test, alert, subject);
        if (!expect.written()) {
            if (verdict instanceof Verdict.Disabled) {
                return Optional.empty();
            }
            return Optional.of(prefix + "expected " + what + " not to be written (rule disabled), but "
                    + outcome(verdict, alert) + inScope(override, subject));
        }
        if (!(verdict instanceof Verdict.Keep keep)) {
            return Optional.of(prefix + "expected " + what + " to be written, but " + outcome(verdict, alert));
        }
        if (expect.severity() != null && keep.alert().severity() != expect.severity()) {
            return Optional.of(prefix + "expected " + what + " to be written at " + expect.severity() + ", but "
                    + outcome(verdict, alert) + inScope(override, subject));
        }
        return Optional.empty();
    }

    /** What the tuning does with the alert, in words. */
    private static String outcome(Verdict verdict, Alert alert) {
        if (verdict instanceof Verdict.Disabled disabled) {
            return "override " + disabled.override().id() + " (" + disabled.override().source() + ") disables rule "
                    + alert.ruleId() + " (" + disabled.override().scope() + ")";
        }
        if (verdict instanceof Verdict.Excepted excepted) {
            return "exception " + excepted.exception().id() + " (" + excepted.exception().source() + ") excepts it";
        }
        Verdict.Keep keep = (Verdict.Keep) verdict;
        return "it is written at " + keep.alert().severity() + (keep.severityBy() == null ? " (the rule's own)"
                : " (set by override " + keep.severityBy().id() + ")");
    }

    private static String inScope(OverrideEntry override, AlertSubject subject) {
        if (override.specificityFor(subject) != OverrideEntry.NOT_IN_SCOPE) {
            return "";
        }
        if (!override.rule().equals(subject.alert().ruleId())) {
            return "; this override is for rule " + override.rule();
        }
        if (override.expires() != null && subject.time() != null && !subject.time().isBefore(override.expires())) {
            return "; this override expired at " + override.expires();
        }
        return "; this override is for " + override.scope() + ", not account " + subject.alert().accountId()
                + (subject.ou() == null ? " (no OU: a case gives it with 'ou:')" : " in OU " + subject.ou());
    }

    private static String describe(TuningCase test, Alert alert, AlertSubject subject) {
        return "rule " + test.rule() + "'s alert (principal " + alert.principal() + ", account "
                + alert.accountId() + ", at " + subject.time() + ")";
    }

    private Optional<String> check(ExceptionEntry exception, TuningCase test) {
        String prefix = "test '" + test.name() + "': ";
        Alert alert;
        try {
            alert = alert(exception.source(), test);
        } catch (CaseProblem e) {
            return Optional.of(prefix + e.getMessage());
        }
        AlertSubject subject = new AlertSubject(alert, account -> test.ou());
        Verdict verdict = tuning.judge(subject);
        String what = describe(test, alert, subject);
        if (test.expectsExcepted()) {
            if (!exception.appliesTo(subject)) {
                return Optional.of(prefix + "expected " + what + " to be excepted, but this exception does not apply: "
                        + whyNot(exception, subject) + verdictNote(verdict));
            }
            if (verdict instanceof Verdict.Keep) {
                return Optional.of(prefix + "this exception applies, yet " + what + " would be written");
            }
            return Optional.empty();
        }
        if (verdict instanceof Verdict.Excepted excepted) {
            return Optional.of(prefix + "expected " + what + " to be written, but " + (excepted.exception() == exception
                    ? "this exception excepts it" : "exception " + excepted.exception().id() + " ("
                    + excepted.exception().source() + ") excepts it") + " (when: "
                    + excepted.exception().when().describe() + ")");
        }
        if (verdict instanceof Verdict.Disabled disabled) {
            return Optional.of(prefix + "expected " + what + " to be written, but override " + disabled.override().id()
                    + " (" + disabled.override().source() + ") disables rule " + test.rule()
                    + " (" + disabled.override().scope() + ")");
        }
        return Optional.empty();
    }

    private static String verdictNote(Verdict verdict) {
        if (verdict instanceof Verdict.Excepted other) {
            return " (exception " + other.exception().id() + " excepts it instead)";
        }
        if (verdict instanceof Verdict.Disabled disabled) {
            return " (override " + disabled.override().id() + " disables the rule instead)";
        }
        return "";
    }

    private static String whyNot(ExceptionEntry exception, AlertSubject subject) {
        if (!exception.rules().includes(subject.alert().ruleId())) {
            return "it covers " + exception.rules() + ", not " + subject.alert().ruleId();
        }
        if (!exception.activeAt(subject.time())) {
            return "it expired at " + exception.expires() + ", before the alert's event time " + subject.time();
        }
        return String.join("; ", exception.when().unmet(subject));
    }

    /** The alert the case's rule raises: from its record by a watch-list rule, or the stub's fields. */
    private Alert alert(String source, TuningCase test) {
        Rule rule = watchList.get(test.rule());
        if (rule == null && !stateful.contains(test.rule())) {
            throw new CaseProblem("unknown rule id '" + test.rule() + "' (see docs/detections/ for the ids, or give"
                    + " your rule files in the same run)");
        }
        if (test.alert() != null) {
            return stubAlert(test);
        }
        if (rule == null) {
            throw new CaseProblem(test.rule() + " is a stateful detection: no single record raises its alert;"
                    + " give the alert's fields with 'alert:' (principal, account, sourceIp, userAgent, eventName)");
        }
        CloudTrailEvent event = test.event() != null ? test.event() : eventFile(source, test);
        if (!rule.matches(event)) {
            throw new CaseProblem("rule " + rule.id() + " raises no alert for this record (its condition does not"
                    + " match it), so the case shows nothing about the exception");
        }
        Alert alert;
        try {
            alert = Alerts.draft(new Alerts.Finding(rule.id(), rule.renderTitle(event), rule.renderDescription(event),
                    rule.severityFor(event), rule.mitre(), rule.runbook(), rule.evidence(event)), event);
        } catch (RuntimeException e) {
            throw new CaseProblem("rule " + rule.id() + " cannot render its alert for this record: " + e.getMessage());
        }
        return test.at() == null ? alert : alert.toBuilder().firstEventTime(test.at()).lastEventTime(test.at())
                .build();
    }

    private Alert stubAlert(TuningCase test) {
        TuningCase.AlertStub stub = test.alert();
        Instant time = test.at() != null ? test.at() : now;
        return Alert.builder().schemaVersion(Alert.SCHEMA_VERSION).ruleId(test.rule()).title(test.rule())
                .description(test.name()).severity(stub.severity() == null ? Severity.MEDIUM : stub.severity())
                .accountId(stub.account()).region(stub.region()).principal(stub.principal())
                .sourceIp(stub.sourceIp()).userAgent(stub.userAgent()).eventName(stub.eventName())
                .eventSource(stub.eventSource()).eventIds(List.of()).eventCount(1).firstEventTime(time)
                .lastEventTime(time).detectedAt(time).mitre(List.of()).evidence(stub.evidence()).build();
    }

    /**
     * The record in {@code eventFile}, relative to the tuning file: one CloudTrail record, or a CloudTrail log file
     * ({@code {"Records": [...]}}) holding exactly one.
     */
    private static CloudTrailEvent eventFile(String source, TuningCase test) {
        Path base = Path.of(source).toAbsolutePath().getParent();
        Path file = base == null ? Path.of(test.eventFile()) : base.resolve(test.eventFile());
        if (!Files.isRegularFile(file)) {
            throw new CaseProblem("eventFile " + file + ": no such file (paths are relative to the tuning file)");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new CaseProblem("eventFile " + file + " cannot be read as JSON: " + e.getMessage());
        }
        if (tree != null && tree.path("Records").isArray()) {
            if (tree.get("Records").size() != 1) {
                throw new CaseProblem("eventFile " + file + " holds " + tree.get("Records").size()
                        + " records: a case takes one");
            }
            tree = tree.get("Records").get(0);
        }
        if (tree == null || !tree.isObject()) {
            throw new CaseProblem("eventFile " + file + " does not hold a CloudTrail record (a JSON object)");
        }
        ParseResult parsed = RECORDS.fromTree(tree, null);
        if (parsed instanceof ParseResult.Rejected rejected) {
            throw new CaseProblem("eventFile " + file + " is not a CloudTrail record: " + rejected.detail());
        }
        return ((ParseResult.Parsed) parsed).event();
    }

    /** Why a case cannot be judged. */
    private static final class CaseProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CaseProblem(String message) {
            super(message);
        }
    }
}
