package dev.trailwatch.detector.tuning;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trailwatch.detector.config.ConfigException;
import dev.trailwatch.detector.config.ConfigKey;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import dev.trailwatch.detector.rules.pattern.FilterPattern;
import dev.trailwatch.detector.rules.pattern.FilterPatternException;
import inet.ipaddr.IPAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one entry of a tuning file into an {@link ExceptionEntry} or {@link OverrideEntry}, adding a problem for each
 * thing wrong with it (and returning null when there was any), so that one run names every mistake in the file.
 */
final class EntryReader {

    static final Set<String> EXCEPTION_KEYS = Set.of("id", "reason", "owner", "expires", "rule", "rules", "when",
            "tests");
    static final Set<String> TEST_KEYS = Set.of("name", "rule", "excepted", "at", "ou", "event", "eventFile",
            "alert");
    static final Set<String> ALERT_KEYS = Set.of("principal", "account", "sourceIp", "userAgent", "eventName",
            "eventSource", "region", "severity", "evidence");
    private static final CloudTrailParser RECORDS = new CloudTrailParser();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> WHEN_KEYS = Set.of("principal", "role", "account", "ou", "sourceIp", "userAgent",
            "eventName", "pattern");
    static final Set<String> OVERRIDE_KEYS = Set.of("id", "reason", "owner", "expires", "rule", "disabled",
            "severity", "accounts", "ous", "settings", "tests");
    static final Set<String> OVERRIDE_TEST_KEYS = Set.of("name", "rule", "written", "severity", "at", "ou", "event",
            "eventFile", "alert");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    private final String source;
    private final String label;
    private final JsonNode entry;
    private final List<TuningProblem> problems;
    private final int problemsBefore;

    EntryReader(String source, String label, JsonNode entry, List<TuningProblem> problems) {
        this.source = source;
        this.label = label;
        this.entry = entry;
        this.problems = problems;
        this.problemsBefore = problems.size();
    }

    ExceptionEntry exception() {
        if (!isMapping(entry, "")) {
            return null;
        }
        unknownKeys(entry, EXCEPTION_KEYS, "");
        String id = id();
        String reason = required("reason");
        String owner = required("owner");
        Instant expires = expires();
        RuleScope scope = scope();
        Conditions when = when();
        List<TuningCase> tests = tests(scope, true);
        return problems.size() > problemsBefore ? null
                : new ExceptionEntry(id, reason, owner, expires, scope, when, source, tests);
    }

    OverrideEntry override() {
        if (!isMapping(entry, "")) {
            return null;
        }
        unknownKeys(entry, OVERRIDE_KEYS, "");
        String id = id();
        String reason = required("reason");
        String owner = required("owner");
        Instant expires = expires();
        String rule = ruleId(entry.get("rule"), "rule");
        int beforeChanges = problems.size();
        boolean disabled = disabled();
        Severity severity = severity();
        Set<String> accounts = accounts(entry.get("accounts"), "accounts");
        List<Glob> ous = globs(entry.get("ous"), "ous", true);
        Map<String, String> settings = settings(rule);
        if (!disabled && severity == null && settings.isEmpty() && problems.size() == beforeChanges) {
            problem("says nothing to change: give disabled: true, a severity, or settings");
        }
        if (disabled && severity != null) {
            problem("a disabled rule raises no alert to give a severity: remove 'severity' or 'disabled'");
        }
        if (!settings.isEmpty() && (!accounts.isEmpty() || !ous.isEmpty())) {
            problem("'settings' apply to the whole detection (its windows count across accounts) and cannot be"
                    + " limited to accounts or OUs: put them in an override without 'accounts' and 'ous'");
        }
        if (!settings.isEmpty() && expires != null) {
            problem("'settings' are applied at start and cannot expire: remove 'expires' or put them in an"
                    + " override of their own");
        }
        List<TuningCase> tests = tests(rule == null ? null : RuleScope.of(Set.of(rule)), false);
        if (!tests.isEmpty() && !disabled && severity == null) {
            problem("'tests' judge what an override does to an alert (disabled, severity); thresholds and windows"
                    + " change which alerts are raised, which a case cannot show: test them with trailwatch scan");
        }
        return problems.size() > problemsBefore ? null : new OverrideEntry(id, reason, owner, expires, rule,
                disabled, severity, accounts, ous, settings, source, tests);
    }

    private String id() {
        JsonNode id = entry.get("id");
        if (id == null || id.isNull()) {
            problem("'id' is missing: every entry needs a unique id (it labels metrics and audit lines)");
            return null;
        }
        if (!id.isTextual() || !ID.matcher(id.asText()).matches()) {
            problem("'id' " + show(id) + " must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a"
                    + " letter or digit" + (id.isTextual() ? "" : " (quote it: YAML reads on, off, yes, no and"
                    + " numbers as other types)"));
            return null;
        }
        return id.asText();
    }

    private String required(String key) {
        JsonNode value = entry.get(key);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            problem("'" + key + "' is missing: say " + (key.equals("reason") ? "why it is safe" : "who answers for it"));
            return null;
        }
        if (!value.isValueNode()) {
            problem("'" + key + "' must be text, found " + kind(value));
            return null;
        }
        return value.asText().strip();
    }

    /**
     * {@code 2027-06-30} (the exception covers that whole day, UTC: it expires at the start of the next) or an
     * ISO-8601 instant with a zone ({@code 2027-06-30T18:00:00Z}, {@code 2027-06-30T18:00:00+02:00}).
     */
    private Instant expires() {
        return instant(entry.get("expires"), "'expires'", true);
    }

    /**
     * A date or an instant with a zone; null when absent.
     *
     * @param endOfDay a date means the end of that day (expiry) instead of its start (a test case's time)
     */
    private Instant instant(JsonNode value, String key, boolean endOfDay) {
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.asText().strip();
        try {
            return LocalDate.parse(text).plusDays(endOfDay ? 1 : 0).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                problem(key + " " + show(value) + " is not a date (2027-06-30) or a time with a zone"
                        + " (2027-06-30T18:00:00Z)");
                return null;
            }
        }
    }

    /**
     * The inline test cases ({@code tests:}): each names its rule (or takes the entry's one rule), the expected
     * outcome ({@code excepted} for an exception; {@code written} and/or {@code severity} for an override), and
     * exactly one of an inline record, a record file or an alert stub.
     */
    private List<TuningCase> tests(RuleScope scope, boolean exception) {
        JsonNode value = entry.get("tests");
        List<TuningCase> cases = new ArrayList<>();
        if (value == null || value.isNull()) {
            return cases;
        }
        if (!value.isArray() || value.isEmpty()) {
            problem("'tests' must be a list of test cases, found " + kind(value));
            return cases;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode test = value.get(i);
            String key = "tests[" + i + "]" + (test.path("name").isTextual() ? " ('" + test.get("name").asText()
                    + "')" : "");
            if (!isMapping(test, key)) {
                continue;
            }
            int before = problems.size();
            unknownKeys(test, exception ? TEST_KEYS : OVERRIDE_TEST_KEYS, key + ".");
            TuningCase read = testCase(test, key, scope, exception);
            if (read != null && problems.size() == before) {
                cases.add(read);
            }
        }
        return cases;
    }

    private TuningCase testCase(JsonNode test, String key, RuleScope scope, boolean exception) {
        JsonNode name = test.get("name");
        if (name == null || !name.isValueNode() || name.isNull() || name.asText().isBlank()) {
            problem(key + ": 'name' is missing: say what the case shows (it names the PASS/FAIL line)");
        }
        TuningCase.Expect expect = exception ? excepted(test, key) : written(test, key);
        String rule;
        if (test.hasNonNull("rule")) {
            rule = ruleId(test.get("rule"), key + ".rule");
        } else if (scope != null && !scope.all() && scope.ids().size() == 1) {
            rule = scope.ids().iterator().next();
        } else {
            rule = null;
            if (scope != null) {
                problem(key + ": 'rule' is missing: this exception covers " + (scope.all() ? "every rule"
                        : "several rules") + ", so name the rule whose alert the case judges");
            }
        }
        if (rule != null && scope != null && !scope.includes(rule) && expect instanceof TuningCase.Excepted e
                && e.excepted()) {
            problem(key + ": expects rule " + rule + "'s alert to be excepted, but this exception covers only "
                    + scope + ": it cannot pass");
        }
        Instant at = instant(test.get("at"), key + ".at", false);
        String ou = null;
        if (test.hasNonNull("ou")) {
            if (test.get("ou").isTextual() && !test.get("ou").asText().isBlank()) {
                ou = test.get("ou").asText().strip();
            } else {
                problem(key + ": 'ou' must be the OU id or name the accounts topic gives the account, found "
                        + show(test.get("ou")));
            }
        }
        int given = (test.has("event") ? 1 : 0) + (test.has("eventFile") ? 1 : 0) + (test.has("alert") ? 1 : 0);
        if (given != 1) {
            problem(key + ": give exactly one of 'event' (a CloudTrail record), 'eventFile' (a file holding one,"
                    + " relative to this file) or 'alert' (the alert's fields, for a stateful detection)");
            return null;
        }
        CloudTrailEvent event = test.has("event") ? record(test.get("event"), key + ".event") : null;
        String eventFile = null;
        if (test.has("eventFile")) {
            JsonNode file = test.get("eventFile");
            if (file.isTextual() && !file.asText().isBlank()) {
                eventFile = file.asText().strip();
            } else {
                problem(key + ": 'eventFile' must be a path, found " + show(file));
            }
        }
        TuningCase.AlertStub alert = test.has("alert") ? stub(test.get("alert"), key + ".alert") : null;
        if (name == null || expect == null || rule == null) {
            return null;
        }
        return new TuningCase(name.asText().strip(), rule, expect, at, ou, event, eventFile, alert);
    }

    private TuningCase.Expect excepted(JsonNode test, String key) {
        JsonNode excepted = test.get("excepted");
        if (excepted == null || !excepted.isBoolean()) {
            problem(key + ": 'excepted' must be true (this exception removes the alert) or false (the alert goes"
                    + " out)" + (excepted == null ? "" : ", found " + show(excepted)));
            return null;
        }
        return new TuningCase.Excepted(excepted.booleanValue());
    }

    /** An override's case: {@code written: false} (disabled), and/or the {@code severity} the written alert has. */
    private TuningCase.Expect written(JsonNode test, String key) {
        JsonNode written = test.get("written");
        JsonNode severity = test.get("severity");
        if (written != null && !written.isBoolean()) {
            problem(key + ": 'written' must be true or false, found " + show(written));
            return null;
        }
        if (written == null && (severity == null || severity.isNull())) {
            problem(key + ": give what the alert must become: 'written: false' (the rule is off for it) or"
                    + " 'severity: <level>' (the severity it is written with)");
            return null;
        }
        boolean isWritten = written == null || written.booleanValue();
        Severity expected = null;
        if (severity != null && !severity.isNull()) {
            if (!isWritten) {
                problem(key + ": an alert that is not written has no severity: remove 'severity' or 'written: false'");
                return null;
            }
            try {
                expected = Severity.parse(severity.asText());
            } catch (IllegalArgumentException e) {
                problem(key + ".severity: " + e.getMessage());
                return null;
            }
        }
        return new TuningCase.Written(isWritten, expected);
    }

    /** A CloudTrail record, as the detector reads one from the input topic. */
    CloudTrailEvent record(JsonNode value, String key) {
        if (value == null || !value.isObject()) {
            problem(key + ": expected a CloudTrail record (a mapping), found " + (value == null ? "nothing"
                    : kind(value)));
            return null;
        }
        ParseResult parsed = RECORDS.fromTree(value, null);
        if (parsed instanceof ParseResult.Rejected rejected) {
            problem(key + ": not a CloudTrail record: " + rejected.detail());
            return null;
        }
        return ((ParseResult.Parsed) parsed).event();
    }

    private TuningCase.AlertStub stub(JsonNode value, String key) {
        if (!isMapping(value, key)) {
            return null;
        }
        unknownKeys(value, ALERT_KEYS, key + ".");
        if (value.isEmpty()) {
            problem(key + ": give the alert's fields (" + String.join(", ", sorted(ALERT_KEYS)) + ")");
        }
        Map<String, String> text = new LinkedHashMap<>();
        for (String field : List.of("principal", "account", "sourceIp", "userAgent", "eventName", "eventSource",
                "region", "severity")) {
            JsonNode item = value.get(field);
            if (item == null || item.isNull()) {
                continue;
            }
            if (!item.isValueNode() || item.asText().isBlank()) {
                problem(key + "." + field + " must be text, found " + show(item));
            } else {
                text.put(field, item.asText().strip());
            }
        }
        String account = text.get("account");
        if (account != null && !ACCOUNT_ID.matcher(account).matches()) {
            problem(key + ".account: '" + account + "' is not a 12-digit account id (quote it)");
        }
        Severity severity = null;
        if (text.containsKey("severity")) {
            try {
                severity = Severity.parse(text.get("severity"));
            } catch (IllegalArgumentException e) {
                problem(key + ".severity: " + e.getMessage());
            }
        }
        Map<String, Object> evidence = null;
        JsonNode ev = value.get("evidence");
        if (ev != null && !ev.isNull()) {
            if (ev.isObject()) {
                evidence = JSON.convertValue(ev, new TypeReference<LinkedHashMap<String, Object>>() { });
            } else {
                problem(key + ".evidence must be a mapping (the alert's evidence fields), found " + kind(ev));
            }
        }
        return new TuningCase.AlertStub(text.get("principal"), account, text.get("sourceIp"),
                text.get("userAgent"), text.get("eventName"), text.get("eventSource"), text.get("region"), severity,
                evidence);
    }

    private RuleScope scope() {
        JsonNode rule = entry.get("rule");
        JsonNode rules = entry.get("rules");
        if ((rule == null) == (rules == null)) {
            problem("give exactly one of 'rule: <id>' or 'rules: [<id>, ...]' (or 'rules: all')");
            return null;
        }
        if (rule != null) {
            String id = ruleId(rule, "rule");
            return id == null ? null : RuleScope.of(Set.of(id));
        }
        if (rules.isTextual() && rules.asText().strip().equalsIgnoreCase("all")) {
            return RuleScope.every();
        }
        if (!rules.isArray() || rules.isEmpty()) {
            problem("'rules' must be a list of rule ids or 'all', found " + kind(rules));
            return null;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            String id = ruleId(rules.get(i), "rules[" + i + "]");
            if (id != null) {
                ids.add(id);
            }
        }
        return RuleScope.of(ids);
    }

    private String ruleId(JsonNode value, String key) {
        if (value == null || value.isNull()) {
            problem("'" + key + "' is missing: name the rule id (e.g. console-login)");
            return null;
        }
        if (!value.isTextual() || !RULE_ID.matcher(value.asText()).matches()) {
            problem("'" + key + "' " + show(value) + " is not a rule id");
            return null;
        }
        if (value.asText().equalsIgnoreCase("all") && key.equals("rule")) {
            problem("'rule: all' is not a rule id: an exception takes 'rules: all'; an override is for one rule");
            return null;
        }
        return value.asText();
    }

    private Conditions when() {
        JsonNode when = entry.get("when");
        if (when == null || when.isNull()) {
            problem("'when' is missing: an exception needs at least one condition (to turn a rule off, use an"
                    + " override with disabled: true)");
            return null;
        }
        if (!isMapping(when, "when")) {
            return null;
        }
        int beforeConditions = problems.size(); // a misspelt matcher explains an empty 'when' by itself
        unknownKeys(when, WHEN_KEYS, "when.");
        Conditions conditions = new Conditions(globs(when.get("principal"), "when.principal", false),
                globs(when.get("role"), "when.role", true), accounts(when.get("account"), "when.account"),
                globs(when.get("ou"), "when.ou", true), cidrs(when.get("sourceIp")),
                globs(when.get("userAgent"), "when.userAgent", false),
                new LinkedHashSet<>(strings(when.get("eventName"), "when.eventName")), pattern(when.get("pattern")));
        if (conditions.isEmpty() && problems.size() == beforeConditions) {
            problem("'when' has no condition: give at least one of " + String.join(", ", sorted(WHEN_KEYS)));
        }
        return conditions;
    }

    private List<Glob> globs(JsonNode value, String key, boolean ignoreCase) {
        return strings(value, key).stream().map(text -> Glob.of(text, ignoreCase)).toList();
    }

    private Set<String> accounts(JsonNode value, String key) {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : strings(value, key)) {
            if (ACCOUNT_ID.matcher(id).matches()) {
                ids.add(id);
            } else {
                problem("'" + key + "': '" + id + "' is not a 12-digit account id"
                        + (id.matches("\\d+") ? " (quote account ids: YAML reads a leading 0 as a number)" : ""));
            }
        }
        return ids;
    }

    private List<IPAddress> cidrs(JsonNode value) {
        List<IPAddress> blocks = new ArrayList<>();
        for (String text : strings(value, "when.sourceIp")) {
            IPAddress block = Addresses.block(text);
            if (block == null) {
                problem("'when.sourceIp': '" + text + "' is not an IP address or CIDR block (203.0.113.0/24,"
                        + " 2001:db8::/32)");
            } else {
                blocks.add(block);
            }
        }
        return blocks;
    }

    private FilterPattern pattern(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problem("'when.pattern' must be one filter pattern as text (quote it: YAML reads '{' as a mapping),"
                    + " found " + kind(value));
            return null;
        }
        try {
            return FilterPattern.parse(value.asText().strip());
        } catch (FilterPatternException e) {
            problem("'when.pattern' is not a valid filter pattern: " + e.getMessage());
            return null;
        }
    }

    /** A string or a list of strings (numbers and booleans are taken as their text); empty when absent. */
    private List<String> strings(JsonNode value, String key) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (value.isValueNode()) {
            add(out, value, key);
        } else if (value.isArray()) {
            if (value.isEmpty()) {
                problem("'" + key + "' is an empty list: remove it or give values");
            }
            value.forEach(item -> add(out, item, key));
        } else {
            problem("'" + key + "' must be a value or a list of values, found " + kind(value));
        }
        return out;
    }

    private void add(List<String> out, JsonNode item, String key) {
        if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
            problem("'" + key + "' has an empty or non-text value " + show(item));
        } else {
            out.add(item.asText().strip());
        }
    }

    private boolean disabled() {
        JsonNode value = entry.get("disabled");
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            problem("'disabled' must be true or false, found " + show(value));
            return false;
        }
        return value.booleanValue();
    }

    private Severity severity() {
        JsonNode value = entry.get("severity");
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return Severity.parse(value.asText());
        } catch (IllegalArgumentException e) {
            problem("'severity': " + e.getMessage());
            return null;
        }
    }

    private Map<String, String> settings(String rule) {
        JsonNode value = entry.get("settings");
        Map<String, String> settings = new LinkedHashMap<>();
        if (value == null || value.isNull() || rule == null) {
            return settings;
        }
        if (!isMapping(value, "settings")) {
            return settings;
        }
        Map<String, ConfigKey<?>> tunable = TunableSettings.of(rule);
        if (tunable.isEmpty()) {
            problem("rule " + rule + " has no thresholds or windows to set; rules that have: "
                    + TunableSettings.rules());
            return settings;
        }
        value.fields().forEachRemaining(field -> {
            ConfigKey<?> key = tunable.get(field.getKey());
            if (key == null) {
                problem("'settings." + field.getKey() + "' is not a setting of " + rule + " (it has: "
                        + String.join(", ", tunable.keySet()) + ")");
            } else if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                problem("'settings." + field.getKey() + "' must be a value, found " + kind(field.getValue()));
            } else {
                try {
                    key.parse(field.getValue().asText());
                    settings.put(key.name(), field.getValue().asText().strip());
                } catch (ConfigException e) {
                    problem("'settings." + field.getKey() + "': " + e.getMessage());
                }
            }
        });
        if (value.isEmpty()) {
            problem("'settings' is empty: give " + String.join(", ", tunable.keySet()));
        }
        return settings;
    }

    private boolean isMapping(JsonNode node, String key) {
        if (node.isObject()) {
            return true;
        }
        problem((key.isEmpty() ? "the entry" : "'" + key + "'") + " must be a mapping of keys to values, found "
                + kind(node));
        return false;
    }

    private void unknownKeys(JsonNode node, Set<String> known, String prefix) {
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                problem("unknown key '" + prefix + key + "' (known: " + String.join(", ", sorted(known)) + ")");
            }
        });
    }

    private void problem(String message) {
        problems.add(new TuningProblem(source, label, message));
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    private static String show(JsonNode value) {
        return value.isTextual() ? "'" + value.asText() + "'" : value.toString();
    }

    static String kind(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return node.isNull() ? "nothing" : "the value " + show(node);
    }
}
