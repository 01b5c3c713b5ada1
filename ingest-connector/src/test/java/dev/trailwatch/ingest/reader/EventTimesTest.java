package dev.trailwatch.ingest.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * eventTime as CloudTrail and as exports write it. CloudTrail's own shape must read exactly as {@code Instant.parse};
 * export shapes are checked against instants built from their parts, not against the parser's own formatter.
 */
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
    @CsvSource({
        "2026-11-20 10:00:00Z,                 2026-11-20T10:00:00Z",
        "2026-11-20 10:00:00.5Z,               2026-11-20T10:00:00.500Z",
        "2026-11-20 10:00:00.123456789Z,       2026-11-20T10:00:00.123Z",
        "2026-11-20T12:00:00.000+0200,         2026-11-20T10:00:00Z",
        "2026-11-20 05:30:00-04:30,            2026-11-20T10:00:00Z",
        "2026-11-20T11:00:00+01,               2026-11-20T10:00:00Z",
        "2026-11-20 10:00:00.000000Z,          2026-11-20T10:00:00Z",
        "2026-11-21 00:30:00.25+14:00,         2026-11-20T10:30:00.250Z"})
    void readsExportShapesAsTheInstantTheyName(String text, String instant) {
        assertThat(EventTimes.parseMillis(text)).isEqualTo(Instant.parse(instant).toEpochMilli());
    }

    /** CloudTrail writes every eventTime in UTC: an export that dropped the zone (Athena, Stratus's logs) dropped a Z. */
    @ParameterizedTest
    @CsvSource({
        "2025-03-26 16:43:57.000000000,        2025-03-26T16:43:57Z",
        "2026-11-20T10:00:00,                  2026-11-20T10:00:00Z",
        "2026-11-20 10:00:00,                  2026-11-20T10:00:00Z",
        "2026-11-20 10:00:00.987654,           2026-11-20T10:00:00.987Z",
        "2026-11-20T10:00,                     2026-11-20T10:00:00Z"})
    void readsATimeWithoutAZoneAsUtc(String text, String instant) {
        assertThat(EventTimes.parseMillis(text)).isEqualTo(Instant.parse(instant).toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
        "2026-00-10T10:00:00Z", "2026-11-00T10:00:00Z", "2026-11-20T10:60:00Z",
        "2026-11-20T10:00:61Z", "2026-11-2OT10:00:00Z", "2026-11-20 10:00:00.1234567890Z",
        "2026-11-20 10:00:00.1234567890", "2026-02-30 10:00:00", "-026-11-20T10:00:00Z",
        // valid ISO-8601, but past what epoch milliseconds hold: the same exception, not an ArithmeticException
        "+300000000-01-01T00:00:00Z", "+300000000-01-01 00:00:00", "2026-11-20T1:00:00ZZ", "",
        "yesterday", "2026-11-20_10:00:00Z", "2026-11-20 10:00:00 UTC"})
    void rejectsWhatNamesNoInstant(String text) {
        assertThatThrownBy(() -> EventTimes.parseMillis(text)).isInstanceOf(DateTimeParseException.class);
        assertThat(EventTimes.millisOrUnknown(text)).isEqualTo(-1);
    }

    @Test
    void agreesWithInstantParseOnRandomCloudTrailTimes() {
        Random rng = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(rng.nextLong(-62_167_219_200L, 253_402_300_799L));
            String text = t.toString();
            assertThat(EventTimes.parseMillis(text)).as(text).isEqualTo(t.toEpochMilli());
        }
    }

    /** Random instants written the way exports do, each from its own parts; the parser must name the same instant. */
    @Test
    void readsRandomExportTimesAsTheInstantTheyName() {
        Random rng = new Random(12);
        for (int i = 0; i < 50_000; i++) {
            long nanos = rng.nextLong(0, 1_000_000_000L);
            Instant t = Instant.ofEpochSecond(rng.nextLong(0, 4_102_444_800L), nanos);
            int offsetMinutes = rng.nextInt(-18 * 4, 18 * 4 + 1) * 15;
            var local = t.atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60)).toLocalDateTime();
            int digits = rng.nextInt(0, 10);
            StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02d%c%02d:%02d:%02d", local.getYear(),
                    local.getMonthValue(), local.getDayOfMonth(), rng.nextBoolean() ? 'T' : ' ', local.getHour(),
                    local.getMinute(), local.getSecond()));
            if (digits > 0) {
                text.append('.').append(String.format("%09d", nanos), 0, digits);
            }
            text.append(offset(offsetMinutes, rng.nextInt(3)));
            long fraction = digits == 0 ? 0 : Long.parseLong(String.format("%09d", nanos).substring(0, digits)
                    + "0".repeat(9 - digits));
            long expected = Math.floorDiv(t.getEpochSecond() * 1_000_000_000L + fraction, 1_000_000L);
            assertThat(EventTimes.parseMillis(text.toString())).as(text.toString()).isEqualTo(expected);
        }
    }

    private static String offset(int minutes, int style) {
        if (minutes == 0 && style == 0) {
            return "Z";
        }
        char sign = minutes < 0 ? '-' : '+';
        int abs = Math.abs(minutes);
        String hh = String.format("%02d", abs / 60);
        String mm = String.format("%02d", abs % 60);
        if (style == 2 && abs % 60 == 0) {
            return sign + hh;
        }
        return style == 1 ? sign + hh + mm : sign + hh + ":" + mm;
    }
}
