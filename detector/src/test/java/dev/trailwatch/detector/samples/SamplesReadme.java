package dev.trailwatch.detector.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trailwatch.detector.samples.AttackStory.Step;
import dev.trailwatch.detector.samples.SampleLogGenerator.Samples;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes {@code samples/README.md} from the generated logs, so its counts, times and event ids are never stale. */
final class SamplesReadme {

    private SamplesReadme() {
    }

    static String render(Samples samples) {
        StringBuilder md = new StringBuilder();
        int total = samples.files().values().stream().mapToInt(List::size).sum();
        md.append("""
                # Sample CloudTrail logs

                Nine days (2025-03-03 to 2025-03-11, UTC) of CloudTrail records from a small AWS organization, with an
                intrusion hidden in them. `trailwatch demo` replays them; tests use them as realistic input.

                **Generated, do not edit by hand.** `SampleLogGenerator` (detector test sources) writes every file here,
                this README included, from a fixed seed (%d); `SamplesTest` fails when the files differ from what the
                generator writes. To change the samples, change the generator and regenerate (from the repository root):

                ```
                mvn -B -q -pl detector -am test -Dtest=SampleLogGeneratorTest -DregenerateSamples=true \\
                    -Dsurefire.failIfNoSpecifiedTests=false
                ```

                ## Files

                %d files, %d records. Names and envelopes are CloudTrail's own:
                `<account>_CloudTrail_<region>_<delivery time>_<16 random>.json.gz` holding `{"Records":[...]}`. Each file
                covers one account and region over a stretch of days (1-5, 6-8, 9) instead of five minutes, so there are
                a handful of files rather than thousands. Resources inside a jar cannot be listed: `index.txt` names the
                files, in delivery order (not name order: `ap-southeast-2` sorts first but is used last). Records inside a
                file are in event-time order; files of different accounts and regions overlap in time. A replay that
                feeds windowed detections (bursts keyed by source IP or principal, across accounts) should merge all
                records by `eventTime` first; they fit in memory.

                | file | events | first event | last event |
                | --- | ---: | --- | --- |
                """.formatted(SampleLogGenerator.SEED, samples.files().size(), total));
        for (Map.Entry<String, List<ObjectNode>> file : samples.files().entrySet()) {
            List<ObjectNode> events = file.getValue();
            md.append("| `").append(file.getKey()).append("` | ").append(events.size()).append(" | ")
                    .append(events.get(0).path("eventTime").asText()).append(" | ")
                    .append(events.get(events.size() - 1).path("eventTime").asText()).append(" |\n");
        }
        md.append("""

                ## The organization

                | account | name | regions | who and what |
                | --- | --- | --- | --- |
                | 111111111111 | prod | us-east-1, eu-west-1 | IAM users alice (admin), bob (developer), carol (operator, \
                CLI into `OpsAdmin`), svc-deploy (CI key, assumes `ci-deployer`); instances, a Lambda function, Auto \
                Scaling and Config service-linked roles; S3 data events |
                | 222222222222 | staging | eu-west-1 (+ us-east-1 for sign-in and global calls) | IAM user erin, an \
                SSO developer, GitHub Actions (OIDC, `AssumeRoleWithWebIdentity`), ECS task role |
                | 333333333333 | security | us-east-1 | the management account: owns the organization trail \
                `org-trail`; a security analyst (IAM user gina); a tooling Lambda that, from day 6, assumes `SecurityAuditRole` in \
                prod and staging every morning |

                The background is meant to stay quiet: people sign in with MFA, calls are mostly reads, AWS services act
                for themselves (`AWSService`, `invokedBy`, a KMS `RotateKey` service event). It holds the near misses a
                detector must not alert on: alice mistypes her password once (day 3), erin twice (day 4), carol is denied
                a single call every few days, and the security account's cross-account audits come from a known
                account. Every region and service an account uses is used on day 1; ap-southeast-2 never is.
                Addresses are documentation ranges (RFC 5737); 203.0.113.0/24 is the attacker's.

                ## The attack (2025-03-10, and the night after)

                | time (UTC) | step | account | region | events | eventIDs |
                | --- | --- | --- | --- | --- | --- |
                """);
        for (Step step : samples.steps()) {
            ObjectNode first = step.records().get(0);
            String names = step.records().stream().map(r -> r.path("eventName").asText()).distinct()
                    .collect(Collectors.joining(", "));
            String ids = step.records().size() <= 4
                    ? step.records().stream().map(r -> "`" + r.path("eventID").asText() + "`")
                            .collect(Collectors.joining(" "))
                    : "`" + first.path("eventID").asText() + "` ... (" + step.records().size() + " records)";
            md.append("| ").append(first.path("eventTime").asText()).append(" | `").append(step.id()).append("`: ")
                    .append(step.summary()).append(" | ").append(first.path("recipientAccountId").asText())
                    .append(" | ").append(first.path("awsRegion").asText()).append(" | ").append(names).append(" | ")
                    .append(ids).append(" |\n");
        }
        md.append("""

                What a detector should make of it (TrailWatch's defaults):
                - one `HIGH` failed-console-login burst for 203.0.113.66 (12 failures in under 3 minutes), and the
                  successful login without MFA from the same address right after it;
                - one `MEDIUM` AccessDenied burst for bob (25 denials, `AccessDenied`, `AccessDeniedException` and
                  `Client.UnauthorizedOperation`, in under 4 minutes);
                - watch-list alerts for SSH opened to 0.0.0.0/0, an access key created for another user, a role trust
                  policy changed, the root console login, `StopLogging` on the organization trail and `RunInstances`;
                - a `HIGH` foreign-account alert for 999999999999, whose role session assumes `ci-deployer`;
                - a `MEDIUM` first use of region ap-southeast-2 in prod, 8 days after the account's first event.
                """);
        return md.toString();
    }
}
