package dev.trailwatch.ingest.s3;

import java.net.URI;

/**
 * How to reach AWS. Every field is optional: unset means the AWS SDK's own standard settings apply (region from
 * {@code AWS_REGION} / {@code aws.region} / the profile; endpoint from {@code AWS_ENDPOINT_URL},
 * {@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL_SQS} / {@code aws.endpointUrl*} / the profile's
 * {@code endpoint_url}; credentials from the default provider chain).
 *
 * @param region          AWS region, or null for the SDK's region chain (falling back to us-east-1)
 * @param endpoint        endpoint override for S3 and SQS (S3-compatible stores, LocalStack, tests), or null
 * @param pathStyle       path-style S3 addressing ({@code http://host/bucket/key}), needed by most S3 look-alikes
 * @param accessKeyId     static credentials, or null for the default provider chain
 * @param secretAccessKey static credentials, or null
 */
public record AwsSettings(String region, URI endpoint, boolean pathStyle, String accessKeyId, String secretAccessKey) {

    /** The SDK's standard settings, plus {@code TRAILWATCH_S3_PATH_STYLE=true} for path-style S3 addressing. */
    public static AwsSettings fromEnvironment() {
        boolean pathStyle = Boolean.parseBoolean(System.getenv("TRAILWATCH_S3_PATH_STYLE"))
                || Boolean.getBoolean("trailwatch.s3.pathStyle");
        return new AwsSettings(null, null, pathStyle, null, null);
    }

    public boolean hasStaticCredentials() {
        return accessKeyId != null && !accessKeyId.isBlank() && secretAccessKey != null;
    }
}
