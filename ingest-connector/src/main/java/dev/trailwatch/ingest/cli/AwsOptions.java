package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.s3.AwsSettings;
import java.net.URI;
import picocli.CommandLine.Option;

/** AWS settings; what is left out, the SDK's standard settings decide (AWS_REGION, AWS_ENDPOINT_URL, profiles...). */
final class AwsOptions {

    @Option(names = "--aws-region", description = "AWS region (default: the SDK's chain, e.g. $AWS_REGION).")
    String region;

    @Option(names = "--aws-endpoint", paramLabel = "URL",
            description = "Endpoint override for S3 and SQS (default: the SDK's, e.g. $AWS_ENDPOINT_URL).")
    URI endpoint;

    @Option(names = "--s3-path-style", description = "Path-style S3 addressing (S3-compatible stores).")
    boolean pathStyle;

    AwsSettings settings() {
        AwsSettings env = AwsSettings.fromEnvironment();
        return new AwsSettings(region, endpoint, pathStyle || env.pathStyle(), null, null);
    }
}
