package dev.trailwatch.detector.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What counts as an account the operator declared (the sharing rules' insideOrganization lowering rests on it): the
 * configured ones and the operator's entries of the accounts topic, never what TrailWatch learned, and never an empty
 * or unreadable value that only looks like an operator's entry.
 */
class KnownAccountsTest {

    private final KnownAccounts accounts = new KnownAccounts(Map.of("111122223333", "prod"), KnownAccounts.STORE);
    private final Map<String, AccountInfo> topic = new HashMap<>();
    private final KnownAccounts.Table table = topic::get;

    private void write(String id, String value) {
        topic.put(id, AccountInfoSerde.read(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theConfiguredAccountsAndTheOperatorsEntriesAreDeclared() {
        write("444455556666", "{\"name\": \"backup\", \"ou\": \"infrastructure\"}");
        write("555566667777", "golden-images");

        assertThat(accounts.declares("111122223333", table)).isTrue();
        assertThat(accounts.declares("444455556666", table)).isTrue();
        assertThat(accounts.declares("555566667777", table)).isTrue();
        assertThat(accounts.declares("999988887777", table)).isFalse();
    }

    @Test
    void whatTrailWatchLearnedIsNotDeclaredEvenWithItsTimeUnreadable() {
        topic.put("444455556666", AccountInfo.learned(null, "recipient", Instant.parse("2026-12-07T10:00:00Z")));
        write("555566667777", "{\"name\": \"x\", \"learnedFrom\": \"recipient\", \"learnedAt\": \"2026-12-07 10:00\"}");
        write("666677778888", "{\"learnedFrom\": \"recipient\"}");

        assertThat(accounts.declares("444455556666", table)).isFalse();
        assertThat(accounts.declares("555566667777", table)).isFalse();
        assertThat(accounts.declares("666677778888", table)).isFalse();
        // still known to foreign-account, as before: an entry whose time cannot be read is known from always
        assertThat(accounts.knownFrom("555566667777", table)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void anEmptyOrUnreadableValueDeclaresNothing() {
        write("444455556666", "");
        write("555566667777", "{not json");
        write("666677778888", "{}");

        assertThat(accounts.declares("444455556666", table)).isFalse();
        assertThat(accounts.declares("555566667777", table)).isFalse();
        assertThat(accounts.declares("666677778888", table)).isFalse();
    }
}
