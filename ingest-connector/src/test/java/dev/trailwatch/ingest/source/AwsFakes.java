package dev.trailwatch.ingest.source;

import dev.trailwatch.ingest.s3.AwsClients;
import dev.trailwatch.ingest.s3.AwsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** ElasticMQ on a free loopback port, and clients for it and S3Mock built the way users build them. */
final class AwsFakes {

    private AwsFakes() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SQSRestServer startElasticMq(int port) {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
        server.waitUntilStarted();
        return server;
    }

    static AwsSettings settings(int port) {
        return new AwsSettings("eu-west-1", URI.create("http://127.0.0.1:" + port), true, "test", "test");
    }

    static S3Client s3(int port) {
        return AwsClients.s3(settings(port));
    }

    static SqsClient sqs(int port) {
        return AwsClients.sqs(settings(port));
    }
}
