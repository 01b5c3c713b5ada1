package dev.trailwatch.detector;

/**
 * Rule file texts for tests of the rules topic and the {@code trailwatch rules} commands: a valid rule on one event
 * name (S3 GetBucketTagging, which no built-in rule watches: a read), with a positive and a negative inline case, and the ways
 * a user's file goes wrong.
 */
public final class RuleTexts {

    private RuleTexts() {
    }

    /** A valid rule {@code id} alerting at {@code severity} on GetBucketTagging of a bucket whose name contains "prod". */
    public static String bucketTagged(String id, String severity) {
        return """
                id: %s
                title: "Tags of bucket {$.requestParameters.bucketName} read by {principal}"
                description: >-
                  {principal} read the tags of bucket {$.requestParameters.bucketName} in account {accountId}.
                severity: %s
                mitre: [T1578]
                runbook: |-
                  Ask the bucket's owner whether the tag change was planned.
                falsepositives:
                  - Tagging automation
                condition: >-
                  { ($.eventSource = "s3.amazonaws.com") && ($.eventName = "GetBucketTagging") &&
                  ($.requestParameters.bucketName = "*prod*") }
                tests:
                  - name: production bucket tagged
                    expect: true
                    event: %s
                  - name: test bucket tagged
                    expect: false
                    event: %s
                """.formatted(id, severity, event("prod-data"), event("test-data"));
    }

    /** The rule's inline cases with the condition reversed: both cases fail. */
    /** A single-event Sigma rule (GetBucketPolicy on S3) at this level; its file name gives its id. */
    public static String sigmaBucketPolicyRead(String level) {
        return """
                title: Bucket policy read
                id: 8e3b1c55-3c1e-4d4a-9d1f-4b5d6f7a8b9c
                status: test
                level: %s
                logsource:
                  product: aws
                  service: cloudtrail
                detection:
                  selection:
                    eventSource: s3.amazonaws.com
                    eventName: GetBucketPolicy
                  condition: selection
                """.formatted(level);
    }

    public static String failingTests(String id) {
        return bucketTagged(id, "MEDIUM").replace("\"*prod*\"", "\"*test*\"");
    }

    /** A misspelt key ({@code severty}). */
    public static String unknownKey(String id) {
        return bucketTagged(id, "MEDIUM").replace("severity: MEDIUM", "severty: MEDIUM");
    }

    /** A condition that does not parse (an unclosed parenthesis). */
    public static String badPattern(String id) {
        return bucketTagged(id, "MEDIUM").replace("($.eventName = \"GetBucketTagging\")",
                "($.eventName = \"GetBucketTagging\"");
    }

    /** Not YAML at all. */
    public static String notYaml() {
        return "id: [unclosed\n  title: : :\n";
    }

    /** GetBucketTagging of {@code bucket} at {@code time}, as CloudTrail records it. */
    public static TestEvents tagging(String bucket, java.time.Instant time) {
        TestEvents event = TestEvents.event("s3.amazonaws.com", "GetBucketTagging", time);
        event.json().putObject("requestParameters").put("bucketName", bucket)
                .put("Host", bucket + ".s3.us-east-1.amazonaws.com").put("tagging", "");
        return event;
    }

    /** The same record as JSON (valid YAML flow style), for an inline case. */
    private static String event(String bucket) {
        return tagging(bucket, java.time.Instant.parse("2024-05-14T10:21:37Z")).eventId("ev-" + bucket).json()
                .toString();
    }
}
