package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link SharedStrings}: repeating field values come back as one String, and always as the value they spell. */
class SharedStringsTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aValueSeenBeforeIsTheStringMadeThen() {
        SharedStrings shared = new SharedStrings();
        byte[] first = ascii("xx\"secretsmanager.amazonaws.com\"");
        byte[] second = ascii("{\"eventSource\":\"secretsmanager.amazonaws.com\"}");

        String made = shared.ascii(first, 3, 28);
        String again = shared.ascii(second, 16, 28);

        assertThat(made).isEqualTo("secretsmanager.amazonaws.com");
        assertThat(again).isSameAs(made);
    }

    @Test
    void valuesThatShareASlotStillReadAsThemselves() {
        SharedStrings shared = new SharedStrings();
        // "Aa" and "BB" have the same String hash, so the same slot: each read must still give its own text
        for (int round = 0; round < 3; round++) {
            assertThat(shared.ascii(ascii("Aa"), 0, 2)).isEqualTo("Aa");
            assertThat(shared.ascii(ascii("BB"), 0, 2)).isEqualTo("BB");
            assertThat(shared.ascii(ascii("B"), 0, 1)).isEqualTo("B");
            assertThat(shared.ascii(ascii(""), 0, 0)).isEqualTo("");
        }
    }

    @Test
    void manyValuesFromManyThreadsEachReadAsThemselves() throws Exception {
        SharedStrings shared = new SharedStrings();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                runs.add(pool.submit(() -> {
                    int wrong = 0;
                    for (int i = 0; i < 200_000; i++) {
                        String value = "1111" + ((i * 7919L + seed) % 20_000); // more values than slots
                        if (!shared.ascii(ascii(value), 0, value.length()).equals(value)) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<Integer> run : runs) {
                assertThat(run.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theParserGivesRepeatedTypedValuesAsOneStringAndTheRestAfresh() {
        CloudTrailParser parser = new CloudTrailParser();
        String record = "{\"eventID\":\"%s\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                + "\"eventName\":\"GetObject\",\"awsRegion\":\"eu-west-1\",\"recipientAccountId\":\"111122223333\","
                + "\"userAgent\":\"aws-cli/2\",\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"111122223333\","
                + "\"arn\":\"arn:aws:iam::111122223333:user/alice\"}}";
        CloudTrailEvent a = ((ParseResult.Parsed) parser.parse(ascii(record.formatted("e-1")))).event();
        CloudTrailEvent b = ((ParseResult.Parsed) parser.parse(ascii(record.formatted("e-2")))).event();

        assertThat(b.eventSource()).isSameAs(a.eventSource());
        assertThat(b.eventName()).isSameAs(a.eventName());
        assertThat(b.awsRegion()).isSameAs(a.awsRegion());
        assertThat(b.recipientAccountId()).isSameAs(a.recipientAccountId());
        assertThat(b.userIdentity().type()).isSameAs(a.userIdentity().type());
        assertThat(b.userIdentity().accountId()).isSameAs(b.recipientAccountId());
        assertThat(b.userIdentity().arn()).isEqualTo(a.userIdentity().arn()).isNotSameAs(a.userIdentity().arn());
        assertThat(b.eventId()).isEqualTo("e-2");
    }
}
