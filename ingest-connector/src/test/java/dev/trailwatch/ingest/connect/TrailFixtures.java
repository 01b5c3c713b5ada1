package dev.trailwatch.ingest.connect;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes CloudTrail-shaped .json.gz files (about 1 KB per record) for the Connect and CLI tests. */
final class TrailFixtures {

    private TrailFixtures() {
    }

    static String record(String file, int i) {
        String account = i % 2 == 0 ? "111122223333" : "444455556666";
        return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE:alice\","
                + "\"arn\":\"arn:aws:sts::" + account + ":assumed-role/Admin/alice\",\"accountId\":\"" + account + "\","
                + "\"accessKeyId\":\"ASIAEXAMPLE\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
                + "\"principalId\":\"AROAEXAMPLE\",\"arn\":\"arn:aws:iam::" + account + ":role/Admin\",\"accountId\":\""
                + account + "\",\"userName\":\"Admin\"},\"attributes\":{\"creationDate\":\"2024-01-15T09:00:00Z\","
                + "\"mfaAuthenticated\":\"true\"}}},\"eventTime\":\"2024-01-15T10:" + String.format("%02d:%02d", (i / 60) % 60, i % 60)
                + "Z\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"DescribeInstances\",\"awsRegion\":\"eu-west-1\","
                + "\"sourceIPAddress\":\"198.51.100." + (i % 250) + "\",\"userAgent\":\"aws-cli/2.15.0 Python/3.11 Linux\","
                + "\"requestParameters\":{\"instancesSet\":{},\"filterSet\":{\"items\":[{\"name\":\"tag:env\",\"valueSet\":"
                + "{\"items\":[{\"value\":\"prod\"}]}}]}},\"responseElements\":null,\"requestID\":\"" + file + "-req-" + i
                + "\",\"eventID\":\"" + file + "-" + i + "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\","
                + "\"managementEvent\":true,\"recipientAccountId\":\"" + account + "\",\"eventCategory\":\"Management\","
                + "\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\","
                + "\"clientProvidedHostHeader\":\"ec2.eu-west-1.amazonaws.com\"}}";
    }

    /** {@code <account>_CloudTrail_eu-west-1_20240115T10<mm>Z_<name>.json.gz} holding {@code n} records. */
    static Path write(Path dir, String name, int minute, int n) throws IOException {
        Path file = dir.resolve(String.format("111122223333_CloudTrail_eu-west-1_20240115T10%02dZ_%s.json.gz", minute, name));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
             Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            w.write("{\"Records\":[");
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    w.write(',');
                }
                w.write(record(name, i));
            }
            w.write("]}");
        }
        return file;
    }
}
