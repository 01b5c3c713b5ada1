package dev.trailwatch.ingest.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** Builds the S3 and SQS clients from {@link AwsSettings}; what a setting leaves open, the SDK decides as usual. */
public final class AwsClients {

    private AwsClients() {
    }

    public static S3Client s3(AwsSettings settings) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(region(settings))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                .crossRegionAccessEnabled(settings.endpoint() == null);
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return b.build();
    }

    public static SqsClient sqs(AwsSettings settings) {
        SqsClientBuilder b = SqsClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(region(settings))
                .credentialsProvider(credentials(settings));
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return b.build();
    }

    static Region region(AwsSettings settings) {
        if (settings.region() != null && !settings.region().isBlank()) {
            return Region.of(settings.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return Region.US_EAST_1; // S3 finds the bucket's region itself (cross-region access)
        }
    }

    private static AwsCredentialsProvider credentials(AwsSettings settings) {
        if (settings.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
