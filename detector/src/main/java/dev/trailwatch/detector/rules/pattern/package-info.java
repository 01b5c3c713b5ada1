/**
 * CloudWatch Logs filter patterns for JSON log events, the syntax of metric filters and of the CIS AWS Foundations
 * monitoring alarms, parsed by hand into a small tree that {@link dev.trailwatch.detector.rules.pattern.FilterPattern}
 * evaluates directly.
 *
 * <h2>Grammar</h2>
 * <pre>
 * pattern    = "{" anyOf "}"
 * anyOf      = allOf { "||" allOf }             // &amp;&amp; binds tighter than ||: "() &gt; &amp;&amp; &gt; ||"
 * allOf      = primary { "&amp;&amp;" primary }
 * primary    = "(" anyOf ")" | condition
 * condition  = selector ( "=" | "!=" ) value
 *            | selector ( "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ) number
 *            | selector "IS" ( "TRUE" | "FALSE" | "NULL" )
 *            | selector "NOT" "EXISTS"
 * selector   = "$" ( "." name ) { "." name | "[" digits "]" }   // name: ASCII letters, digits, '-', '_'
 * value      = quoted | unquoted | number | "%" regex "%"
 * quoted     = '"' { char | "\" char } '"'
 * unquoted   = { letter | digit | "_" | "-" | "." | "*" | ":" | "/" | "+" }
 * number     = [+-] ( digits [ "." [ digits ] ] | "." digits ) [ ( "e" | "E" ) [+-] digits ]
 * </pre>
 * Whitespace may separate any two tokens and is not needed ({@code {($.eventName=ConsoleLogin)}}); keywords are
 * matched without regard to case, values are case sensitive.
 *
 * <h2>Choices, and the evidence for them</h2>
 * Sources: the CloudWatch Logs User Guide, "Filter pattern syntax" (JSON section, numeric comparisons, regex
 * syntax); the AWS CDK's {@code aws-logs/lib/pattern.ts}, which renders patterns for AWS; the Security Hub
 * CloudWatch.1-14 remediation texts.
 * <ul>
 * <li><b>Braces</b> are required: "The metric filter must be enclosed in curly braces { }, to indicate this is a JSON
 * expression". Text and space-delimited patterns are not JSON patterns and are rejected.</li>
 * <li><b>Selectors</b>: "Property selectors always start with dollar sign ($) ... alphanumeric strings that also
 * support '-' and '_' characters. Array elements are denoted with [NUMBER] syntax, and must follow a property"; the
 * docs' own {@code $.coordinates[0][1]} shows indexes chain.</li>
 * <li><b>Missing, null, object, array</b>: neither {@code =} nor {@code !=} matches. Documented for objects and
 * arrays ("both {$.users = 1} and {$.users != 1} will fail to match" an array); observed in the CloudWatch pattern
 * tester for a missing field ({@code $.userIdentity.invokedBy != "cloudfront.amazonaws.com"} does not match a record
 * without {@code invokedBy}, DataBiosphere/azul#5884). JSON {@code null} is treated like them because the docs give it
 * its own test, {@code IS NULL}. So the CIS console-without-MFA alarm matches {@code MFAUsed: "No"}, not
 * {@code "Yes"}, and not a record without {@code additionalEventData.MFAUsed}.</li>
 * <li><b>Wildcards</b>: {@code *} at the start and/or end of a value ("{@code *Event} will match PutEvent ...
 * {@code Event*} will match EventId"); "{@code Ev*ent} will only match the actual string Ev*ent", and the CDK also
 * says the wildcard "may appear ... at the start or at the end", so a middle {@code *} is literal. {@code *} alone
 * matches any present string, number or boolean ({@code { $.latency = * }} in the docs; CDK's {@code exists}).
 * Quoted and unquoted values behave alike. {@code !=} with a wildcard means "present and not matching".</li>
 * <li><b>Escapes</b> in quoted strings: {@code \"}, {@code \\} (the CDK escapes terms this way) and {@code \*} for a
 * literal asterisk at an end.</li>
 * <li><b>Numbers</b>: "An integer with an optional + or - sign, a decimal ..., or a number in scientific notation".
 * An unquoted value of that shape is a number and compares numerically, exactly, with JSON numbers and with strings
 * that hold a number ({@code $.recipientAccountId = 123456789012} matches CloudTrail's string account id). Against
 * other strings or booleans {@code =} is false and {@code !=} true. {@code < <= > >=} take numbers only ("Numeric
 * filters have a syntax of { SELECTOR NUMERIC_OPERATOR NUMBER }"); a quoted {@code "400"} is a string and equals the
 * number {@code 400} by its text.</li>
 * <li><b>Booleans</b>: {@code IS TRUE} / {@code IS FALSE} test JSON booleans, as documented. The docs define
 * {@code =} only for strings and numbers; here a boolean compares by its text, so {@code $.readOnly = false} matches
 * {@code "readOnly": false}. This is a choice, not documented behaviour.</li>
 * <li><b>{@code IS NULL}</b> is true only for a present JSON {@code null}; <b>{@code NOT EXISTS}</b> only for an
 * absent path. There is no {@code EXISTS}, {@code IS NOT NULL}, {@code !} or {@code IN}: none appears in the JSON
 * pattern docs or in what the CDK renders; presence is {@code = *}.</li>
 * <li><b>Regex</b> values {@code %...%} "can be incorporated with JSON ... filter patterns" with {@code =} and
 * {@code !=} (CDK {@code regexValue}). As documented: at most 2 per pattern, only letters, digits,
 * {@code : _ # = @ / ; , -} and the operators {@code ^ $ ? [ ] { } | \ * + .} (plus space, which the CDK's own
 * example uses), no parentheses. Like {@code %AUTHORIZED%} matching "UNAUTHORIZED REQUEST", a regex matches anywhere
 * in the value unless anchored.</li>
 * <li><b>Case</b>: "Metric filters are case sensitive" for values; keywords are accepted in any case.</li>
 * </ul>
 */
package dev.trailwatch.detector.rules.pattern;
