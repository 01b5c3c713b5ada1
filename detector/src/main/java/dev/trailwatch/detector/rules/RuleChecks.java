package dev.trailwatch.detector.rules;

import dev.trailwatch.detector.accounts.KnownAccounts;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.rules.RuleSpec.CaseSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The checks one rule file must pass, each failing with a message that starts with the file. */
final class RuleChecks {

    static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    static final Pattern MITRE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    static final Pattern CIS = Pattern.compile("\\d+(\\.\\d+)*");

    private final String source;
    private final RuleSpec spec;

    RuleChecks(String source, RuleSpec spec) {
        this.source = source;
        this.spec = spec;
    }

    void requireFields() {
        require("id", spec.id());
        if (!ID.matcher(spec.id()).matches()) {
            fail("id '" + spec.id() + "' must be kebab-case (lower-case letters and digits joined by '-')");
        }
        String fileName = source.substring(source.lastIndexOf('/') + 1).replaceFirst("\\.ya?ml$", "");
        if (!fileName.equals(spec.id())) {
            fail("id '" + spec.id() + "' must equal the file name (" + fileName + ")");
        }
        require("title", spec.title());
        require("description", spec.description());
        require("severity", spec.severity());
        require("runbook", spec.runbook());
        require("condition", spec.condition());
        requireList("mitre", spec.mitre());
        requireList("falsepositives", spec.falsepositives());
        requireList("tests", spec.tests());
        for (String id : spec.mitre()) {
            if (id == null || !MITRE.matcher(id).matches()) {
                fail("mitre id '" + id + "' is not an ATT&CK technique id like T1562 or T1562.008");
            }
        }
        if (spec.falsepositives().stream().anyMatch(text -> text == null || text.isBlank())) {
            fail("falsepositives has an empty entry");
        }
        if (spec.cis() != null && !CIS.matcher(spec.cis()).matches()) {
            fail("cis '" + spec.cis() + "' is not a control number like \"4.10\"");
        }
    }

    Severity severity(String key, String text) {
        try {
            return Severity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RuleLoadException(source + ": " + key + ": " + e.getMessage(), e);
        }
    }

    Template template(String key, String text) {
        try {
            return Template.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new RuleLoadException(source + ": " + key + ": " + e.getMessage(), e);
        }
    }

    /** The named matcher, null when {@code name} is null; unknown names fail and list the known ones. */
    RequestMatcher matcher(String key, String name) {
        if (name == null) {
            return null;
        }
        return RequestMatchers.named(name).orElseThrow(() -> new RuleLoadException(source + ": " + key
                + ": unknown matcher '" + name + "' (known: " + RequestMatchers.all().stream()
                .map(RequestMatcher::name).collect(Collectors.joining(", ")) + ")"));
    }

    /** The named account reader, null when {@code name} is null; unknown names fail and list the known ones. */
    AccountReader accountReader(String key, String name) {
        if (name == null) {
            return null;
        }
        return AccountReaders.named(name).orElseThrow(() -> new RuleLoadException(source + ": " + key
                + ": unknown account reader '" + name + "' (known: " + AccountReaders.names() + ")"));
    }

    /** A case's {@code knownAccounts}: 12-digit ids, only in a rule whose lowerings can read them. */
    Set<String> knownAccounts(String key, CaseSpec test) {
        if (test.knownAccounts() == null) {
            return Set.of();
        }
        if (spec.lowerings() == null || spec.lowerings().stream()
                .noneMatch(lowering -> lowering != null && lowering.insideOrganization() != null)) {
            fail(key + ".knownAccounts: the rule has no 'insideOrganization' lowering that would read them");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String id : test.knownAccounts()) {
            if (!KnownAccounts.isAccountId(id)) {
                fail(key + ".knownAccounts: '" + id + "' is not a 12-digit AWS account id (quote it: '111122223333')");
            }
            out.add(id);
        }
        return Collections.unmodifiableSet(out);
    }

    List<FieldPath> evidence() {
        List<FieldPath> out = new ArrayList<>();
        for (String selector : spec.evidence() == null ? List.<String>of() : spec.evidence()) {
            try {
                out.add(FieldPath.parse(selector));
            } catch (IllegalArgumentException e) {
                fail("evidence: " + e.getMessage());
            }
        }
        return out;
    }

    void requireCase(String key, CaseSpec test) {
        if (test == null || test.name() == null || test.name().isBlank()) {
            fail(key + " needs a 'name'");
        }
        if (test.expect() == null) {
            fail(key + " ('" + test.name() + "') needs 'expect: true' or 'expect: false'");
        }
        if (test.event() == null || !test.event().isObject()) {
            fail(key + " ('" + test.name() + "') needs an 'event': a CloudTrail record");
        }
    }

    void requireBothOutcomes(List<RuleCase> cases) {
        if (cases.stream().noneMatch(RuleCase::expect) || cases.stream().allMatch(RuleCase::expect)) {
            fail("tests need at least one case with 'expect: true' and one with 'expect: false'");
        }
    }

    private void require(String key, String value) {
        if (value == null || value.isBlank()) {
            fail("'" + key + "' is required");
        }
    }

    private void requireList(String key, List<?> value) {
        if (value == null || value.isEmpty()) {
            fail("'" + key + "' is required and must not be empty");
        }
    }

    private void fail(String problem) {
        throw new RuleLoadException(source + ": " + problem);
    }
}
