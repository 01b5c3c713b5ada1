package dev.trailwatch.detector.tuning;

import dev.trailwatch.detector.rules.pattern.FilterPattern;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * When an exception applies: every matcher that is given must hold (AND); a matcher given several values holds when
 * any of them does (OR). An absent matcher does not constrain.
 *
 * @param principals principal ARN globs, case-sensitive as CloudTrail writes ARNs
 * @param roles      IAM role name globs (the role of an assumed-role session or a role ARN), case-insensitive like
 *                   IAM role names
 * @param accounts   12-digit account ids ({@code recipientAccountId} of the alert)
 * @param ous        globs on the account's {@code ou} in the accounts topic, case-insensitive
 * @param sourceIps  CIDR blocks (an address alone is a /32 or /128)
 * @param userAgents user agent globs, case-sensitive
 * @param eventNames exact event names
 * @param pattern    a CloudWatch Logs filter pattern over the alert's CloudTrail-shaped view ({@link AlertSubject}),
 *                   or null
 */
public record Conditions(List<Glob> principals, List<Glob> roles, Set<String> accounts, List<Glob> ous,
                         List<IPAddress> sourceIps, List<Glob> userAgents, Set<String> eventNames,
                         FilterPattern pattern) {

    public Conditions {
        principals = List.copyOf(principals);
        roles = List.copyOf(roles);
        accounts = Set.copyOf(accounts);
        ous = List.copyOf(ous);
        sourceIps = List.copyOf(sourceIps);
        userAgents = List.copyOf(userAgents);
        eventNames = Set.copyOf(eventNames);
    }

    boolean isEmpty() {
        return principals.isEmpty() && roles.isEmpty() && accounts.isEmpty() && ous.isEmpty() && sourceIps.isEmpty()
                && userAgents.isEmpty() && eventNames.isEmpty() && pattern == null;
    }

    boolean usesOu() {
        return !ous.isEmpty();
    }

    /** Cheapest checks first; the OU lookup and the JSON view only when everything before them held. */
    boolean matches(AlertSubject subject) {
        var alert = subject.alert();
        return (accounts.isEmpty() || accounts.contains(alert.accountId()))
                && (eventNames.isEmpty() || eventNames.contains(alert.eventName()))
                && any(principals, alert.principal())
                && any(roles, roles.isEmpty() ? null : subject.roleName())
                && any(userAgents, alert.userAgent())
                && (sourceIps.isEmpty() || inAny(alert.sourceIp()))
                && any(ous, ous.isEmpty() ? null : subject.ou())
                && (pattern == null || pattern.matches(subject.view()));
    }

    /**
     * The matchers that do not hold for this alert, in words ({@code userAgent 'aws-cli/2' matches none of
     * [*Terraform/*]}): why an exception does not apply, for {@code rules test}. Empty when {@link #matches} holds.
     */
    List<String> unmet(AlertSubject subject) {
        var alert = subject.alert();
        List<String> out = new ArrayList<>();
        if (!accounts.isEmpty() && !accounts.contains(alert.accountId())) {
            out.add("account " + show(alert.accountId()) + " is not " + list(accounts));
        }
        if (!eventNames.isEmpty() && !eventNames.contains(alert.eventName())) {
            out.add("eventName " + show(alert.eventName()) + " is not " + list(eventNames));
        }
        if (!any(principals, alert.principal())) {
            out.add("principal " + show(alert.principal()) + " matches none of " + principals);
        }
        if (!roles.isEmpty() && !any(roles, subject.roleName())) {
            out.add(subject.roleName() == null ? "principal " + show(alert.principal()) + " is not a role"
                    : "role " + show(subject.roleName()) + " matches none of " + roles);
        }
        if (!any(userAgents, alert.userAgent())) {
            out.add("userAgent " + show(alert.userAgent()) + " matches none of " + userAgents);
        }
        if (!sourceIps.isEmpty() && !inAny(alert.sourceIp())) {
            out.add("sourceIp " + show(alert.sourceIp()) + " is in none of "
                    + sourceIps.stream().map(IPAddress::toCanonicalString).toList());
        }
        if (!ous.isEmpty() && !any(ous, subject.ou())) {
            out.add(subject.ou() == null ? "the account has no OU (a test case gives it with 'ou:')"
                    : "ou " + show(subject.ou()) + " matches none of " + ous);
        }
        if (pattern != null && !pattern.matches(subject.view())) {
            out.add("the pattern " + pattern.text() + " does not match the alert (it reads the fields listed in"
                    + " docs/tuning.md, 'What a filter pattern reads')");
        }
        return out;
    }

    private static String show(String value) {
        return value == null ? "(none)" : "'" + value + "'";
    }

    private static String list(Set<String> values) {
        return values.size() == 1 ? values.iterator().next() : values.stream().sorted().toList().toString();
    }

    private static boolean any(List<Glob> globs, String value) {
        if (globs.isEmpty()) {
            return true;
        }
        for (Glob glob : globs) {
            if (glob.matches(value)) {
                return true;
            }
        }
        return false;
    }

    /** A source that is not an address (an AWS service name such as {@code ec2.amazonaws.com}) is in no block. */
    private boolean inAny(String sourceIp) {
        IPAddress address = Addresses.parse(sourceIp);
        if (address == null) {
            return false;
        }
        for (IPAddress block : sourceIps) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The conditions in words, for the audit log and error messages. */
    String describe() {
        List<String> parts = new ArrayList<>();
        add(parts, "principal", principals);
        add(parts, "role", roles);
        add(parts, "account", accounts);
        add(parts, "ou", ous);
        add(parts, "sourceIp", sourceIps.stream().map(IPAddress::toCanonicalString).toList());
        add(parts, "userAgent", userAgents);
        add(parts, "eventName", eventNames);
        if (pattern != null) {
            parts.add("pattern " + pattern.text());
        }
        return String.join(" and ", parts);
    }

    private static void add(List<String> parts, String name, java.util.Collection<?> values) {
        if (!values.isEmpty()) {
            parts.add(name + " " + (values.size() == 1 ? values.iterator().next() : values));
        }
    }
}
