package dev.trailwatch.detector.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a sorted run writes the short strings every record carries (source, account, region): each distinct value in
 * full the first time, then as its number, so a run of a million records holds each account once and reads back one
 * shared {@code String} per value. Other strings go as length-prefixed UTF-8 ({@code writeUTF} encodes char by char
 * and was a tenth of the sorter's time). One instance per run file and direction.
 */
final class SpillStrings {

    private static final int NULL = -1;
    private static final int NEW = -2;

    private final Map<String, Integer> written = new HashMap<>();
    private final List<String> read = new ArrayList<>();
    private byte[] scratch = new byte[256];

    void write(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(NULL);
            return;
        }
        Integer id = written.get(value);
        if (id != null) {
            out.writeInt(id);
            return;
        }
        written.put(value, written.size());
        out.writeInt(NEW);
        writeBytes(out, value);
    }

    String read(DataInputStream in) throws IOException {
        int id = in.readInt();
        if (id == NULL) {
            return null;
        }
        if (id == NEW) {
            String value = readBytes(in);
            read.add(value);
            return value;
        }
        if (id < 0 || id >= read.size()) {
            throw new IOException("corrupt sorted run: string #" + id + " of " + read.size());
        }
        return read.get(id);
    }

    static void writeBytes(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** {@link #writeBytes}, or null. */
    static void writeNullable(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(NULL);
        } else {
            writeBytes(out, value);
        }
    }

    /** {@link #writeNullable}'s string, decoded from a buffer this instance reuses. */
    String readNullable(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == NULL) {
            return null;
        }
        if (length < 0) {
            throw new IOException("corrupt sorted run: a string of " + length + " bytes");
        }
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        in.readFully(scratch, 0, length);
        return new String(scratch, 0, length, StandardCharsets.UTF_8);
    }

    static String readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
