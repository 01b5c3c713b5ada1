package dev.trailwatch.detector.detect.burst;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One discovery-burst task's dictionary of calls: each distinct ({@code eventSource}, {@code eventName}) it has seen
 * gets a small int, and each event source one too, so that a principal's buckets ({@link DiscoveryPrincipal}) hold
 * ints and compare them, with no string hashing or comparison per call held. In memory only, per processor instance:
 * the journal ({@link CallJournal}) writes names, never these numbers, so they need not survive a restart.
 *
 * <p>Names are what API calls are called (a few thousand exist); input that is not CloudTrail's could bring any
 * number, so {@link DiscoveryCounter} starts a new dictionary holding only the calls still in its buckets when this
 * one passes {@link #COMPACT_AT}.
 */
final class DiscoveryCalls {

    /** Past this many calls the counter rebuilds its dictionary from the calls its buckets still hold. */
    static final int COMPACT_AT = 50_000;

    /** By name first (names are nearly unique across services), then by source along the chain. */
    private final Map<String, Entry> byName = new HashMap<>(1024);
    private final Map<String, Integer> sourceIds = new HashMap<>(64);
    private String[] sources = new String[256];
    private String[] names = new String[256];
    private int[] serviceOf = new int[256];
    /** Per call, source then name as a journal entry's table writes them ({@link #encoded}), or null until asked. */
    private byte[][] encoded = new byte[256][];
    private int size;

    private static final class Entry {
        final String source;
        final int id;
        final Entry next;

        Entry(String source, int id, Entry next) {
            this.source = source;
            this.id = id;
            this.next = next;
        }
    }

    /** The call's number, given on first sight. */
    int id(String source, String name) {
        Entry head = byName.get(name);
        for (Entry e = head; e != null; e = e.next) {
            if (e.source.equals(source)) {
                return e.id;
            }
        }
        if (size == names.length) {
            sources = Arrays.copyOf(sources, 2 * size);
            names = Arrays.copyOf(names, 2 * size);
            serviceOf = Arrays.copyOf(serviceOf, 2 * size);
            encoded = Arrays.copyOf(encoded, 2 * size);
        }
        int id = size++;
        // the strings are kept as long as a bucket holds the call: one copy each, the alert's labels made from them
        String canonicalSource = CallBucket.canonical(source);
        String canonicalName = CallBucket.canonical(name);
        sources[id] = canonicalSource;
        names[id] = canonicalName;
        serviceOf[id] = sourceIds.computeIfAbsent(canonicalSource, s -> sourceIds.size());
        byName.put(canonicalName, new Entry(canonicalSource, id, head));
        return id;
    }

    /**
     * The call's source then its name, its row in a journal entry ({@link CallJournal#tableRow}), encoded once: a
     * journal entry names each of its calls, and the same few hundred calls are in every entry.
     */
    byte[] encoded(int id) {
        byte[] bytes = encoded[id];
        if (bytes == null) {
            bytes = CallJournal.tableRow(sources[id], names[id]);
            encoded[id] = bytes;
        }
        return bytes;
    }

    String source(int id) {
        return sources[id];
    }

    String name(int id) {
        return names[id];
    }

    /** The number of the call's event source (its service): distinct sources of a pair make its service count. */
    int service(int id) {
        return serviceOf[id];
    }

    int size() {
        return size;
    }

    int services() {
        return sourceIds.size();
    }
}
