package dev.trailwatch.detector.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Operators write the accounts topic by hand: every shape reads, none stops the global table. */
class AccountInfoSerdeTest {

    private static AccountInfo read(String value) {
        return new AccountInfoSerde().deserializer().deserialize("trailwatch.accounts",
                value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheDocumentedJson() {
        AccountInfo info = read("{\"name\": \"prod-payments\", \"ou\": \"workloads\", \"tags\": {\"team\": \"pay\"}}");
        assertThat(info.name()).isEqualTo("prod-payments");
        assertThat(info.ou()).isEqualTo("workloads");
        assertThat(info.tags().path("team").asText()).isEqualTo("pay");
    }

    @Test
    void readsAwsStyleFieldsAPlainNameAndBrokenRecordsWithoutFailing() {
        assertThat(read("{\"Name\": \"data-lake\", \"OU\": \"analytics\", \"tags\": [{\"Key\": \"a\"}]}").name())
                .isEqualTo("data-lake");
        assertThat(read("{\"name\": \"x\", \"learnedAt\": \"not a time\"}").name()).isEqualTo("x");
        assertThat(read("partner-monitoring").name()).isEqualTo("partner-monitoring");
        assertThat(read("\"partner-monitoring\"").name()).isEqualTo("partner-monitoring");
        assertThat(read("{not json").name()).isNull();
        assertThat(read("").name()).isNull();
    }

    @Test
    void writesWhatItLearnedAsJsonItReadsBack() {
        AccountInfoSerde serde = new AccountInfoSerde();
        AccountInfo learned = AccountInfo.learned("sandbox", "organizations:CreateAccountResult",
                Instant.parse("2026-11-20T10:00:00Z"));
        byte[] json = serde.serializer().serialize("trailwatch.accounts", learned);

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"sandbox\","
                + "\"learnedFrom\":\"organizations:CreateAccountResult\",\"learnedAt\":\"2026-11-20T10:00:00Z\"}");
        assertThat(serde.deserializer().deserialize("trailwatch.accounts", json)).isEqualTo(learned);
    }
}
