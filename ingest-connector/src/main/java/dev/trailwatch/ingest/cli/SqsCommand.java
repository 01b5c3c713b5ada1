package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.s3.AwsClients;
import dev.trailwatch.ingest.source.ClosingSource;
import dev.trailwatch.ingest.source.IngestSource;
import dev.trailwatch.ingest.source.SqsSource;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

@Command(name = "sqs", mixinStandardHelpOptions = true,
        description = "SQS queues with S3 notices (CloudTrail, S3 event notification, EventBridge Object Created; raw "
                + "or via SNS) and EventBridge CloudTrail events. Messages are deleted once their records are in Kafka.")
final class SqsCommand extends IngestCommand {

    @Option(names = {"-q", "--queue"}, required = true, paramLabel = "URL", description = "Queue URL (repeatable).")
    List<String> queues;

    @Option(names = "--wait-seconds", defaultValue = "20", description = "Long-poll wait (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--visibility-timeout", defaultValue = "300",
            description = "Visibility timeout in seconds, extended while a message is worked on (default: ${DEFAULT-VALUE}).")
    int visibilitySeconds;

    @Option(names = "--until-empty", description = "Exit once the queues are empty and every message is done.")
    boolean untilEmpty;

    @Mixin
    AwsOptions aws;

    @Override
    IngestSource source() throws BadInput {
        if (waitSeconds < 0 || waitSeconds > 20) {
            throw new BadInput("--wait-seconds must be between 0 and 20");
        }
        if (visibilitySeconds < 10) {
            throw new BadInput("--visibility-timeout must be at least 10 seconds");
        }
        SqsClient sqs = AwsClients.sqs(aws.settings());
        S3Client s3 = AwsClients.s3(aws.settings());
        SqsSource source = new SqsSource(sqs, s3, new SqsSource.Polling(queues, waitSeconds, 10, visibilitySeconds,
                untilEmpty), kafka.routing(), new CloudTrailFileReader());
        return new ClosingSource(source, sqs, s3);
    }
}
