package dev.trailwatch.ingest.source;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Progress through an ordered list of files (an S3 account/region prefix, or a local folder), as a Connect source
 * offset: every file up to and including {@code lastKey} is done; {@code recordIndex} records of
 * {@code fileInProgress} are done. Maps are built in a fixed order so that their serialized form (which Connect uses
 * as the storage key for partitions) is the same after a restart.
 */
public record KeyOffset(String lastKey, String fileInProgress, long recordIndex) {

    public static final String LAST_KEY = "lastKey";
    public static final String FILE_IN_PROGRESS = "fileInProgress";
    public static final String RECORD_INDEX = "recordIndex";

    public static final KeyOffset START = new KeyOffset("", "", 0);

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(LAST_KEY, lastKey);
        m.put(FILE_IN_PROGRESS, fileInProgress);
        m.put(RECORD_INDEX, recordIndex);
        return m;
    }

    /** Restores an offset written by {@link #toMap()}; null or unknown input means "from the start". */
    public static KeyOffset fromMap(Map<String, ?> m) {
        if (m == null) {
            return START;
        }
        Object index = m.get(RECORD_INDEX);
        return new KeyOffset(text(m.get(LAST_KEY)), text(m.get(FILE_IN_PROGRESS)),
                index instanceof Number n ? n.longValue() : 0);
    }

    /** Records of {@code key} to skip when it is read again. */
    public long resumeIndex(String key) {
        return key.equals(fileInProgress) ? recordIndex : 0;
    }

    public KeyOffset finished(String key) {
        return new KeyOffset(key, "", 0);
    }

    /** A partition map with its entries in the given order. */
    public static Map<String, Object> partition(String... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }
}
