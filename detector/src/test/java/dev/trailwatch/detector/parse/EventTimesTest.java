package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast eventTime reader accepts and rejects exactly what {@code Instant.parse} does, with the same result. */
class EventTimesTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-20T10:00:00Z", "1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z", "2024-02-29T12:34:56Z", "9999-12-31T23:59:59Z", "2026-11-20T10:00:00.123Z",
        "2026-11-20T10:00:00.123456789Z", "2026-11-20T10:00:00+02:00", "2016-12-31T23:59:60Z",
        // accepted by Instant.parse, perhaps surprisingly: midnight as 24:00 and a lower-case z
        "2026-11-20T24:00:00Z", "2026-11-20T10:00:00z"})
    void readsWhatInstantParseReads(String text) {
        assertThat(EventTimes.parseMillis(text)).isEqualTo(Instant.parse(text).toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
        "2026-00-10T10:00:00Z", "2026-11-00T10:00:00Z", "2026-11-20T10:60:00Z",
        "2026-11-20T10:00:61Z", "2026-11-20 10:00:00Z", "2026-11-2OT10:00:00Z",
        "2026-11-20T10:00:00", "-026-11-20T10:00:00Z", "2026-11-20T1:00:00ZZ", "", "yesterday"})
    void rejectsWhatInstantParseRejects(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> EventTimes.parseMillis(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void agreesWithInstantParseOnRandomTimes() {
        Random rng = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(rng.nextLong(-62_167_219_200L, 253_402_300_799L));
            String text = t.toString();
            assertThat(EventTimes.parseMillis(text)).as(text).isEqualTo(t.toEpochMilli());
        }
    }
}
