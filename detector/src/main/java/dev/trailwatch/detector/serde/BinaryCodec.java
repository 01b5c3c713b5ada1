package dev.trailwatch.detector.serde;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * How one state type is written field by field in {@link CompactSerde}'s binary format, and read back. The format is
 * positional: a codec reads exactly what it wrote, in the same order, so a change of fields is a new version.
 *
 * <p>Packed ({@link Out#packed}, {@link In#packed}): the same codec writes many values into one buffer that share
 * their strings (a journal entry of many keys' states, the same account, region, principal, client, call and event ids
 * recurring in them): each distinct string is written once and then by its number, a lowercase UUID (an event id) in
 * 16 bytes, and {@link Out#writeLong} is a zigzag varint (counts take a byte, epoch millis six or seven). A packed
 * buffer is read only as packed.
 */
public interface BinaryCodec<T> {

    /** Packed: the tag of a new string that is a lowercase UUID, written in 16 bytes. */
    int PACKED_UUID = 2;

    void write(Out out, T value);

    T read(In in);

    /**
     * CloudTrail's event ids are lowercase UUIDs: those (and only those, so that one is read back exactly as it came)
     * are written as 16 bytes. True, with the two halves in {@code bits}, when the id is one.
     */
    static boolean uuid(String id, long[] bits) {
        return LowercaseUuid.split(id, bits);
    }

    /**
     * A growable byte array with the writes a codec needs: fixed-width longs, varints, nullable strings, lists.
     *
     * <p>Plain and packed are two classes, not a flag: the JIT profiles a call's receiver at each call site but a
     * branch inside a shared method once for all its callers. With a flag, every codec's inlined
     * {@code writeString}/{@code writeLong} carried both forms wherever any codec used both (the journal writes packed,
     * the stores plain), and C2 compiled the plain form's copy loops into every field write of the burst states; a
     * codec whose writes are all packed now inlines only the packed form, a type check and a call.
     */
    public static class Out {

        private byte[] buf;
        private int size;

        public Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        /** A packed buffer (see the interface comment): strings once each, then by number; longs as varints. */
        public static Out packed(int capacity) {
            return new Packed(capacity);
        }

        private void room(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        public final Out writeByte(int b) {
            room(1);
            buf[size++] = (byte) b;
            return this;
        }

        public final Out writeBoolean(boolean b) {
            return writeByte(b ? 1 : 0);
        }

        /**
         * Eight bytes, big-endian: times and counts, including {@code Long.MIN_VALUE}/{@code MAX_VALUE} markers;
         * packed, a zigzag varint.
         */
        public Out writeLong(long v) {
            room(8);
            return writeFixed(v);
        }

        /** A lowercase UUID's two halves ({@link BinaryCodec#uuid}) in 16 bytes, big-endian, packed or not. */
        public final Out writeUuid(long[] halves) {
            room(16);
            writeFixed(halves[0]);
            return writeFixed(halves[1]);
        }

        private Out writeFixed(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
            return this;
        }

        /** An unsigned varint (7 bits a byte): sizes and lengths. */
        public final Out writeVarInt(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative varint " + v);
            }
            room(5);
            while ((v & ~0x7F) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
            return this;
        }

        /** A signed long as a zigzag varint (7 bits a byte): small values either side of 0 take a byte or two. */
        public final Out writeSignedVarLong(long v) {
            room(10);
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                buf[size++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            buf[size++] = (byte) z;
            return this;
        }

        /**
         * A nullable string: its UTF-8 length + 1 as a varint (0 for null), then the bytes. ASCII (event ids, ARNs,
         * names: nearly every string here) is written straight from the chars, without an intermediate array.
         */
        public Out writeString(String s) {
            if (s == null) {
                return writeVarInt(0);
            }
            return writeChars(s, 1, 1);
        }

        /** The UTF-8 length as {@code scale * length + offset}, then the bytes. */
        final Out writeChars(String s, int scale, int offset) {
            if (ascii(s)) {
                int n = s.length();
                writeVarInt(scale * n + offset);
                room(n);
                for (int i = 0; i < n; i++) {
                    buf[size++] = (byte) s.charAt(i);
                }
                return this;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            writeVarInt(scale * bytes.length + offset);
            room(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
            return this;
        }

        /** A list: its size as a varint, then each element. */
        public final <E> Out writeList(List<E> list, BiConsumer<Out, E> element) {
            writeVarInt(list.size());
            for (E e : list) {
                element.accept(this, e);
            }
            return this;
        }

        /** A byte array: its length as a varint, then the bytes. */
        public final Out writeBytes(byte[] bytes) {
            writeVarInt(bytes.length);
            room(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
            return this;
        }

        /**
         * Bytes another {@code Out} wrote, as they are (no length): a value encoded once and written into many
         * buffers, such as a principal's name in every journal entry that lists it. Plain buffers only: a packed one
         * numbers its strings as it writes them, which copied bytes would skip.
         */
        public final Out writeEncoded(byte[] encoded) {
            if (this instanceof Packed) {
                throw new IllegalStateException("a packed buffer numbers its strings as it writes them: write them");
            }
            room(encoded.length);
            System.arraycopy(encoded, 0, buf, size, encoded.length);
            size += encoded.length;
            return this;
        }

        /** A nullable value: a presence byte, then the value. */
        public final <E> Out writeNullable(E value, BiConsumer<Out, E> writer) {
            writeBoolean(value != null);
            if (value != null) {
                writer.accept(this, value);
            }
            return this;
        }

        public final byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        public final int capacity() {
            return buf.length;
        }

        /** Bytes written so far. */
        public final int size() {
            return size;
        }

        /** Empties the buffer for the next value (packed: and forgets its strings), keeping its capacity. */
        public Out reset() {
            size = 0;
            return this;
        }

        private static boolean ascii(String s) {
            for (int i = 0, n = s.length(); i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        /** {@link Out#packed}: longs as zigzag varints, strings once each and then by number. */
        private static final class Packed extends Out {

            /** Each string written so far, by its number (in order of first writing). */
            private final Map<String, Integer> strings = new HashMap<>(1024);
            private final long[] halves = new long[2];

            private Packed(int capacity) {
                super(capacity);
            }

            /** A zigzag varint. */
            @Override
            public Out writeLong(long v) {
                return writeSignedVarLong(v);
            }

            @Override
            public Out writeString(String s) {
                if (s == null) {
                    return writeVarInt(0);
                }
                return writePacked(s);
            }

            /**
             * Packed: a string written before is {@code 2 * number + 1}; a new one is {@code 2} and 16 bytes for a
             * lowercase UUID, else {@code 2 * (length + 2)} and its bytes, and gets the next number; null stays 0.
             */
            private Out writePacked(String s) {
                Integer known = strings.get(s);
                if (known != null) {
                    return writeVarInt(2 * known + 1);
                }
                strings.put(s, strings.size());
                if (uuid(s, halves)) {
                    return writeVarInt(PACKED_UUID).writeUuid(halves);
                }
                return writeChars(s, 2, 4);
            }

            @Override
            public Out reset() {
                strings.clear();
                return super.reset();
            }
        }
    }

    /** Reads what {@link Out} wrote; throws {@link IllegalArgumentException} on a truncated or malformed input. */
    final class In {

        private final byte[] buf;
        private int pos;
        /** Packed only: the strings read so far, by number. */
        private final List<String> strings;

        public In(byte[] buf, int pos) {
            this(buf, pos, null);
        }

        private In(byte[] buf, int pos, List<String> strings) {
            this.buf = buf;
            this.pos = pos;
            this.strings = strings;
        }

        /** Reads what a {@link Out#packed} buffer holds, from {@code pos}. */
        public static In packed(byte[] buf, int pos) {
            return new In(buf, pos, new ArrayList<>());
        }

        private void need(int n) {
            if (pos + n > buf.length) {
                throw new IllegalArgumentException("truncated at byte " + pos + " of " + buf.length);
            }
        }

        public int readByte() {
            need(1);
            return buf[pos++] & 0xFF;
        }

        public boolean readBoolean() {
            int b = readByte();
            if (b > 1) {
                throw new IllegalArgumentException("not a boolean at byte " + (pos - 1) + ": " + b);
            }
            return b == 1;
        }

        public long readLong() {
            if (strings != null) {
                return readSignedVarLong();
            }
            return readFixed();
        }

        /** What {@link Out#writeUuid} wrote, as the lowercase UUID it came from. */
        public String readUuid() {
            return new UUID(readFixed(), readFixed()).toString();
        }

        private long readFixed() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        public int readVarInt() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = readByte();
                v |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (v < 0) {
                        break;
                    }
                    return v;
                }
            }
            throw new IllegalArgumentException("malformed varint before byte " + pos);
        }

        /** What {@link Out#writeSignedVarLong} wrote. */
        public long readSignedVarLong() {
            long z = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = readByte();
                z |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (z >>> 1) ^ -(z & 1);
                }
            }
            throw new IllegalArgumentException("malformed varint before byte " + pos);
        }

        public String readString() {
            int length = readVarInt();
            if (length == 0) {
                return null;
            }
            if (strings == null) {
                return chars(length - 1);
            }
            if ((length & 1) == 1) {
                int number = length >>> 1;
                if (number >= strings.size()) {
                    throw new IllegalArgumentException("string number " + number + " of " + strings.size()
                            + " before byte " + pos);
                }
                return strings.get(number);
            }
            String s = length == PACKED_UUID ? readUuid() : chars((length >>> 1) - 2);
            strings.add(s);
            return s;
        }

        private String chars(int length) {
            need(length);
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        /** A byte array {@link Out#writeBytes} wrote. */
        public byte[] readBytes() {
            int length = readVarInt();
            if (length > buf.length - pos) {
                throw new IllegalArgumentException(length + " bytes announced, " + (buf.length - pos) + " left");
            }
            byte[] bytes = Arrays.copyOfRange(buf, pos, pos + length);
            pos += length;
            return bytes;
        }

        public <E> List<E> readList(Function<In, E> element) {
            int n = readVarInt();
            if (n > buf.length - pos) {
                // Every element takes at least one byte: a larger count is corrupt, not a reason to allocate.
                throw new IllegalArgumentException("list of " + n + " elements in " + (buf.length - pos) + " bytes");
            }
            List<E> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(element.apply(this));
            }
            return list;
        }

        public <E> E readNullable(Function<In, E> reader) {
            return readBoolean() ? reader.apply(this) : null;
        }

        /** True when every byte has been read. */
        public boolean done() {
            return pos == buf.length;
        }
    }
}
