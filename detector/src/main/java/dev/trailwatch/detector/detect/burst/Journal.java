package dev.trailwatch.detector.detect.burst;

/**
 * The keys of a journal's entries in a store, shared by the journals of this package ({@link CallJournal} for
 * discovery-burst's calls, {@link StateJournal} for every windowed processor's per-key states): {@code #<sequence>},
 * the sequence zero-padded to 19 digits so that entries sort as their numbers do. Each journal is written before its
 * task commits ({@link CommitHook}) and replayed in sequence order on {@code init}.
 */
final class Journal {

    private static final char MARK = '#';
    private static final int DIGITS = 19;

    private Journal() {
    }

    /** The key of the entry with this sequence number. */
    static String key(long sequence) {
        String digits = Long.toString(sequence);
        StringBuilder key = new StringBuilder(DIGITS + 1).append(MARK);
        for (int i = digits.length(); i < DIGITS; i++) {
            key.append('0');
        }
        return key.append(digits).toString();
    }

    /**
     * Whether a key is an entry's, rather than a value stored under its own key before the journal: {@code #} and
     * exactly 19 digits (a user name typed into a failed console sign-in could start with {@code #}; one of exactly
     * this shape, stored before an upgrade, would be misread).
     */
    static boolean isEntry(String key) {
        if (key.length() != DIGITS + 1 || key.charAt(0) != MARK) {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static long sequence(String key) {
        return Long.parseLong(key, 1, key.length(), 10);
    }
}
