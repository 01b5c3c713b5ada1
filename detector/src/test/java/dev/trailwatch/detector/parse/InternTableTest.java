package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The parser hands the stream thread one String instance per principal, account, region and call name (so maps keyed
 * by them hash nothing and compare references), and the table behind it stays bounded and never changes a text.
 */
class InternTableTest {

    private final CloudTrailParser parser = new CloudTrailParser();

    @Test
    void twoRecordsOfOnePrincipalGiveTheSameInstancesOfItsRepeatingFields() {
        CloudTrailEvent first = parse(record("e-1", "arn:aws:sts::111122223333:assumed-role/app/s-1"));
        CloudTrailEvent second = parse(record("e-2", "arn:aws:sts::111122223333:assumed-role/app/s-1"));

        assertThat(second.principal()).isEqualTo("arn:aws:sts::111122223333:assumed-role/app/s-1")
                .isSameAs(first.principal());
        assertThat(second.userIdentity().accountId()).isSameAs(first.userIdentity().accountId());
        assertThat(second.recipientAccountId()).isEqualTo("111122223333").isSameAs(first.recipientAccountId());
        assertThat(second.awsRegion()).isSameAs(first.awsRegion());
        assertThat(second.eventSource()).isEqualTo("s3.amazonaws.com").isSameAs(first.eventSource());
        assertThat(second.eventName()).isSameAs(first.eventName());
        assertThat(second.eventId()).as("an event id never repeats: not kept").isNotSameAs(first.eventId());
        assertThat(second.userIdentity().sessionIssuerArn()).as("only compared, not looked up by: not kept")
                .isEqualTo("arn:aws:iam::111122223333:role/app").isNotSameAs(first.userIdentity().sessionIssuerArn());
    }

    @Test
    void anotherPrincipalIsAnotherString() {
        CloudTrailEvent one = parse(record("e-1", "arn:aws:iam::111122223333:user/alice"));
        CloudTrailEvent other = parse(record("e-2", "arn:aws:iam::111122223333:user/alicf"));

        assertThat(one.principal()).isEqualTo("arn:aws:iam::111122223333:user/alice");
        assertThat(other.principal()).isEqualTo("arn:aws:iam::111122223333:user/alicf");
    }

    @Test
    void nonAsciiNamesDecodeAsUtf8AndRepeatAsOneInstance() {
        InternTable table = new InternTable();
        byte[] bytes = "x\"user/jos\u00e9-\u65e5\u672c\"y".getBytes(StandardCharsets.UTF_8);
        int length = bytes.length - 4;

        String first = table.of(bytes, 2, length, true);

        assertThat(first).isEqualTo("user/jos\u00e9-\u65e5\u672c");
        assertThat(table.of(bytes.clone(), 2, length, true)).isSameAs(first);
    }

    @Test
    void aFullTableKeepsEveryTextRightAndStillKeepsNewNames() {
        InternTable table = new InternTable();
        byte[] kept = ascii("arn:aws:iam::111122223333:user/kept");
        String first = table.of(kept, 0, kept.length, false);

        // an attacker's flood of distinct ARNs: eight times the slots, so every group is full and names share groups
        for (int i = 0; i < 8 * InternTable.SLOTS; i++) {
            byte[] name = ascii("arn:aws:iam::999999999999:user/flood-" + i);
            assertThat(table.of(name, 0, name.length, false)).isEqualTo("arn:aws:iam::999999999999:user/flood-" + i);
        }

        String again = table.of(kept, 0, kept.length, false);
        assertThat(again).isEqualTo(first);
        assertThat(table.of(kept, 0, kept.length, false)).as("kept again once re-read").isSameAs(again);
    }

    @Test
    void twoNamesOfTheSameHashStayTwoNames() {
        // a birthday search for two ARNs whose 32-bit hashes collide: what an attacker could do on purpose
        Map<Integer, String> byHash = new HashMap<>();
        String first = null;
        String second = null;
        for (int i = 0; first == null; i++) {
            String name = "arn:aws:iam::999999999999:user/u" + i;
            byte[] bytes = ascii(name);
            String before = byHash.putIfAbsent(InternTable.hash(bytes, 0, bytes.length), name);
            if (before != null) {
                first = before;
                second = name;
            }
        }
        InternTable table = new InternTable();
        byte[] a = ascii(first);
        byte[] b = ascii(second);

        String keptA = table.of(a, 0, a.length, false);
        String keptB = table.of(b, 0, b.length, false);

        assertThat(keptA).isEqualTo(first);
        assertThat(keptB).isEqualTo(second);
        assertThat(table.of(a, 0, a.length, false)).isSameAs(keptA);
        assertThat(table.of(b, 0, b.length, false)).isSameAs(keptB);
    }

    @Test
    void aStringLongerThanTheBoundIsDecodedAfreshEachTime() {
        InternTable table = new InternTable();
        byte[] longName = ascii("arn:aws:iam::111122223333:role/" + "r".repeat(InternTable.MAX_BYTES));

        String first = table.of(longName, 0, longName.length, false);
        String second = table.of(longName, 0, longName.length, false);

        assertThat(second).isEqualTo(first).isNotSameAs(first);
        assertThat(table.size()).isZero();
    }

    @Test
    void eachThreadHasATableOfItsOwn() throws Exception {
        InternTable mine = InternTable.ofThread();
        InternTable theirs = CompletableFuture.supplyAsync(InternTable::ofThread).get();

        assertThat(InternTable.ofThread()).isSameAs(mine);
        assertThat(theirs).isNotSameAs(mine);
    }

    private CloudTrailEvent parse(String json) {
        ParseResult result = parser.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(result).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).event();
    }

    private static String record(String eventId, String arn) {
        return """
                {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:s-1",\
                "arn":"%s","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role",\
                "arn":"arn:aws:iam::111122223333:role/app","accountId":"111122223333","userName":"app"}}},\
                "eventTime":"2026-12-06T05:25:09Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets",\
                "awsRegion":"eu-west-1","sourceIPAddress":"10.0.0.1","eventID":"%s",\
                "recipientAccountId":"111122223333"}""".formatted(arn, eventId);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
