package dev.trailwatch.detector.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads byte sizes the way operators write them: {@code 512KB}, {@code 256MB}, {@code 1GB}, or plain bytes. */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?");

    private Sizes() {
    }

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (use e.g. 512KB, 256MB, 1GB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit) {
            case "kb" -> n << 10;
            case "mb" -> n << 20;
            case "gb" -> n << 30;
            default -> n;
        };
    }
}
