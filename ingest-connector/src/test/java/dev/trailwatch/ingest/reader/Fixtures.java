package dev.trailwatch.ingest.reader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Real-shaped CloudTrail records and file encodings for the reader tests. */
final class Fixtures {

    private Fixtures() {
    }

    static String record(int i) {
        return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE" + i
                + "\",\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"accountId\":\"111122223333\"},"
                + "\"eventTime\":\"2024-01-15T10:05:" + String.format("%02d", i % 60) + "Z\","
                + "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":\"eu-west-1\","
                + "\"sourceIPAddress\":\"198.51.100.7\",\"userAgent\":\"aws-cli/2.15 caf\u00e9\","
                + "\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"k" + i + "\",\"tags\":[{\"k\":1},{\"k\":[2,3]}]},"
                + "\"responseElements\":null,\"eventID\":\"e-" + i + "\",\"readOnly\":true,"
                + "\"recipientAccountId\":\"111122223333\"}";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String envelope(String... records) {
        return "{\"Records\":[" + String.join(",", records) + "]}";
    }
}
