package dev.trailwatch.detector.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trailwatch.ingest.reader.EventTimes;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * One value of a Sigma selection, compiled: does a scalar of the event (a JSON string, number, boolean) match it.
 * JSON null never matches a value (only {@code field: null} does, see {@link FieldTest}). Numbers and booleans in
 * the event compare by their text ({@code 'false'} matches {@code "enable": false}), as Sigma values are strings.
 */
sealed interface ValueMatcher {

    boolean test(JsonNode value, JsonNode root);

    /** The exact text this value requires, when it is a plain value without wildcards (for the event-name index). */
    default Optional<String> exactText() {
        return Optional.empty();
    }

    /** A string value with wildcards; a YAML number also matches an equal JSON number ({@code 4625} = {@code 4625.0}). */
    record Text(StringPattern pattern, BigDecimal number) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value, JsonNode root) {
            if (value.isNull()) {
                return false;
            }
            if (number != null && value.isNumber()) {
                return value.decimalValue().compareTo(number) == 0;
            }
            return pattern.matches(value.asText());
        }

        @Override
        public Optional<String> exactText() {
            return number == null ? pattern.exactValue() : Optional.empty();
        }
    }

    /**
     * {@code |re}: a Java regular expression, searched for in the value (not anchored unless the rule anchors it).
     * A literal the expression cannot match without ({@link RequiredLiteral}) is looked for first: SigmaHQ's
     * {@code .+:assumed-role/aws:.+} otherwise costs a quadratic search on every event's ARN.
     */
    record Regex(Pattern pattern, StringPattern required) implements ValueMatcher {

        static Regex of(Pattern pattern) {
            boolean ignoreCase = (pattern.flags() & Pattern.CASE_INSENSITIVE) != 0;
            return new Regex(pattern, RequiredLiteral.of(pattern.pattern())
                    .map(lit -> StringPattern.literal(lit, true, true, !ignoreCase)).orElse(null));
        }

        @Override
        public boolean test(JsonNode value, JsonNode root) {
            if (value.isNull()) {
                return false;
            }
            String text = value.asText();
            return (required == null || required.matches(text)) && pattern.matcher(text).find();
        }
    }

    /** {@code |cidr}: the value is an IPv4 or IPv6 address inside the network. Host names never match. */
    record Cidr(String text, byte[] network, int prefix) implements ValueMatcher {

        private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
        private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            byte[] address = address(slash < 0 ? text : text.substring(0, slash))
                    .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IP network"));
            int max = address.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no numeric prefix length", e);
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + max);
            }
            return new Cidr(text, address, prefix);
        }

        /** The address bytes of an IP literal; never a DNS lookup (a host name is not an address). */
        static Optional<byte[]> address(String text) {
            if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
                return Optional.empty();
            }
            try {
                return Optional.of(InetAddress.getByName(text).getAddress());
            } catch (UnknownHostException | SecurityException e) {
                return Optional.empty();
            }
        }

        @Override
        public boolean test(JsonNode value, JsonNode root) {
            if (!value.isTextual()) {
                return false;
            }
            Optional<byte[]> address = address(value.asText());
            if (address.isEmpty() || address.get().length != network.length) {
                return false;
            }
            byte[] a = address.get();
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code |gt}, {@code |gte}, {@code |lt}, {@code |lte}: the value, read as a number, compares so. */
    record Compare(String op, BigDecimal bound, TimePart part) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value, JsonNode root) {
            Optional<BigDecimal> number = part == null ? number(value) : part.of(value);
            if (number.isEmpty()) {
                return false;
            }
            int c = number.get().compareTo(bound);
            return switch (op) {
                case "gt" -> c > 0;
                case "gte" -> c >= 0;
                case "lt" -> c < 0;
                case "lte" -> c <= 0;
                default -> c == 0;
            };
        }

        static Optional<BigDecimal> number(JsonNode value) {
            if (value.isNumber()) {
                return Optional.of(value.decimalValue());
            }
            if (value.isTextual()) {
                try {
                    return Optional.of(new BigDecimal(value.asText().trim()));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }
    }

    /**
     * {@code |fieldref}: the value names another field; this field must equal it (or contain it, start or end with
     * it, with those modifiers), case-insensitively unless {@code |cased}. Absent or null on either side: no match.
     */
    record FieldEquals(FieldRef other, boolean leading, boolean trailing, boolean cased) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value, JsonNode root) {
            if (value.isNull()) {
                return false;
            }
            String text = value.asText();
            for (JsonNode ref : other.values(root)) {
                if (!ref.isNull() && StringPattern.literal(ref.asText(), leading, trailing, cased).matches(text)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The Sigma time modifiers: a part of a date value (ISO-8601, as CloudTrail's {@code eventTime}), in UTC. */
    enum TimePart {
        MINUTE(t -> t.getMinute()), HOUR(t -> t.getHour()), DAY(t -> t.getDayOfMonth()),
        WEEK(t -> t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)), MONTH(t -> t.getMonthValue()),
        YEAR(t -> t.get(ChronoField.YEAR));

        private final ToIntFunction<ZonedDateTime> extract;

        TimePart(ToIntFunction<ZonedDateTime> extract) {
            this.extract = extract;
        }

        static final List<String> NAMES = List.of("minute", "hour", "day", "week", "month", "year");

        Optional<BigDecimal> of(JsonNode value) {
            if (!value.isTextual()) {
                return Optional.empty();
            }
            try {
                // read as the parser reads eventTime: a space for T, fractions, an offset, or no zone (UTC)
                ZonedDateTime time = Instant.ofEpochMilli(EventTimes.parseMillis(value.asText())).atZone(ZoneOffset.UTC);
                return Optional.of(BigDecimal.valueOf(extract.applyAsInt(time)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }
}
