package dev.trailwatch.ingest.reader;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Reads an {@code eventTime} as epoch milliseconds: the one reading shared by the ingest readers (record timestamps,
 * scan ordering) and the detector's parser, so that every stage agrees on when an event happened.
 *
 * <p>Accepted: everything {@link Instant#parse} accepts (CloudTrail's own {@code 2026-11-20T10:00:00Z}, read by a fast
 * path several times quicker), plus the shapes exports write: a space instead of {@code T} (Athena, Splunk), fractional
 * seconds of 1 to 9 digits, and {@code Z} or an offset as {@code +01:00}, {@code +0100} or {@code +01} (Panther,
 * Splunk). Each is read as the instant it names; sub-millisecond digits are truncated. A time without a zone (Athena's
 * {@code timestamp} columns, Stratus Red Team's published detonation logs: {@code 2025-03-26 16:43:57.000000000}) is
 * read as UTC: CloudTrail writes every {@code eventTime} in UTC, so an export that dropped the zone dropped a
 * {@code Z}. Anything else that is not ISO-8601 is rejected.
 */
public final class EventTimes {

    private static final int LENGTH = "2026-11-20T10:00:00Z".length();

    /**
     * Date, {@code T} (the space is turned into one first), time with optional fraction, then Z, an offset, or nothing
     * (UTC, as CloudTrail writes every time).
     */
    private static final DateTimeFormatter EXPORTED = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendPattern("[XXX][XX][X]").optionalEnd()
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .toFormatter().withResolverStyle(java.time.format.ResolverStyle.STRICT);

    private EventTimes() {
    }

    /**
     * @throws DateTimeParseException when the text is not an ISO-8601 instant in one of the accepted shapes, or names
     *     one beyond what epoch milliseconds hold (years past about 292 million): the one exception callers catch
     */
    public static long parseMillis(String text) {
        if (text.length() == LENGTH && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            long fast = fastPath(text);
            if (fast != Long.MIN_VALUE) {
                return fast;
            }
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return exported(text, e);
        } catch (ArithmeticException e) {
            throw beyondMillis(text, e);
        }
    }

    private static DateTimeParseException beyondMillis(String text, ArithmeticException e) {
        return new DateTimeParseException("beyond what epoch milliseconds hold: " + text, text, 0, e);
    }

    /** The epoch millis, or -1 when the text is null or not an accepted instant (what the readers record). */
    public static long millisOrUnknown(String text) {
        if (text == null) {
            return -1;
        }
        try {
            return parseMillis(text);
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    private static long exported(String text, DateTimeParseException instantParseError) {
        if (text.length() < 16 || (text.charAt(10) != ' ' && text.charAt(10) != 'T' && text.charAt(10) != 't')) {
            throw instantParseError;
        }
        String normalized = text.substring(0, 10) + 'T' + text.substring(11);
        try {
            return OffsetDateTime.parse(normalized, EXPORTED).toInstant().toEpochMilli();
        } catch (ArithmeticException e) {
            throw beyondMillis(text, e);
        } catch (DateTimeParseException e) {
            throw new DateTimeParseException("not an ISO-8601 time: " + text, text,
                    e.getErrorIndex(), e);
        }
    }

    /** CloudTrail's own shape; {@code Long.MIN_VALUE} when a field is out of range (the slow path words the error). */
    private static long fastPath(String text) {
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && hour < 24 && minute >= 0 && minute < 60
                && second >= 0 && second < 60) {
            try {
                long epochDay = LocalDate.of(year, month, day).toEpochDay();
                return (epochDay * 86_400 + hour * 3_600L + minute * 60L + second) * 1_000;
            } catch (DateTimeException e) {
                return Long.MIN_VALUE; // an impossible date such as 2026-02-30
            }
        }
        return Long.MIN_VALUE;
    }

    /** The decimal number in {@code text[from, from + count)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
