package dev.trailwatch.detector.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The field encodings every compact state format is built from: what is written is read back, at every boundary. */
class BinaryCodecTest {

    @Test
    void readsBackNumbersAtTheirBoundaries() {
        int[] ints = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, Integer.MAX_VALUE};
        long[] longs = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1_733_400_000_000L};
        BinaryCodec.Out out = new BinaryCodec.Out(1);
        for (int v : ints) {
            out.writeVarInt(v);
        }
        for (long v : longs) {
            out.writeLong(v);
        }
        out.writeBoolean(true).writeBoolean(false);

        BinaryCodec.In in = new BinaryCodec.In(out.toByteArray(), 0);
        for (int v : ints) {
            assertThat(in.readVarInt()).isEqualTo(v);
        }
        for (long v : longs) {
            assertThat(in.readLong()).isEqualTo(v);
        }
        assertThat(in.readBoolean()).isTrue();
        assertThat(in.readBoolean()).isFalse();
        assertThat(in.done()).isTrue();
    }

    @Test
    void readsBackSignedVarLongsAndKeepsSmallOnesShort() {
        long[] longs = {0, 1, -1, 63, -64, 64, -65, 59_000, -59_000, Integer.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE};
        BinaryCodec.Out out = new BinaryCodec.Out(1);
        for (long v : longs) {
            out.writeSignedVarLong(v);
        }
        BinaryCodec.In in = new BinaryCodec.In(out.toByteArray(), 0);
        for (long v : longs) {
            assertThat(in.readSignedVarLong()).isEqualTo(v);
        }
        assertThat(in.done()).isTrue();
        assertThat(new BinaryCodec.Out(1).writeSignedVarLong(-64).toByteArray()).hasSize(1);
        assertThat(new BinaryCodec.Out(1).writeSignedVarLong(59_000).toByteArray()).hasSize(3);

        byte[] overlong = new byte[11];
        java.util.Arrays.fill(overlong, (byte) 0xFF);
        assertThatThrownBy(() -> new BinaryCodec.In(overlong, 0).readSignedVarLong())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed varint");
    }

    @Test
    void tellsNullFromEmptyAndKeepsLongAndNonAsciiStrings() {
        String longUserAgent = "Boto3/1.34 ".repeat(8_000);
        List<String> strings = new ArrayList<>(List.of("", "ü-ß-кey-🔑", longUserAgent));
        strings.add(1, null);
        BinaryCodec.Out out = new BinaryCodec.Out(16);
        out.writeList(strings, BinaryCodec.Out::writeString);

        BinaryCodec.In in = new BinaryCodec.In(out.toByteArray(), 0);
        assertThat(in.readList(BinaryCodec.In::readString)).containsExactlyElementsOf(strings);
        assertThat(in.done()).isTrue();
    }

    /**
     * Packed: each distinct string once, then by number; a lowercase UUID in 16 bytes (any other id as it is); longs
     * as varints; read back exactly, after a reset too.
     */
    @Test
    void aPackedBufferWritesEachStringOnceAndReadsEveryValueBack() {
        String arn = "arn:aws:sts::111122223333:assumed-role/app-role-3/session-17";
        String id = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
        List<String> strings = new ArrayList<>(List.of(arn, "", "ü-ß-кey-🔑", arn, "", "ü-ß-кey-🔑", "e1", arn, id,
                id.toUpperCase(java.util.Locale.ROOT), id, "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6"));
        strings.add(2, null);
        long[] longs = {0, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE, 1_733_400_000_000L};
        BinaryCodec.Out out = BinaryCodec.Out.packed(4);
        for (int round = 0; round < 2; round++) {
            out.reset().writeList(strings, BinaryCodec.Out::writeString);
            for (long v : longs) {
                out.writeLong(v);
            }
            byte[] bytes = out.toByteArray();

            BinaryCodec.In in = BinaryCodec.In.packed(bytes, 0);
            assertThat(in.readList(BinaryCodec.In::readString)).containsExactlyElementsOf(strings);
            for (long v : longs) {
                assertThat(in.readLong()).isEqualTo(v);
            }
            assertThat(in.done()).isTrue();
            BinaryCodec.Out plain = new BinaryCodec.Out(4).writeList(strings, BinaryCodec.Out::writeString);
            BinaryCodec.Out packedStrings = BinaryCodec.Out.packed(4).writeList(strings, BinaryCodec.Out::writeString);
            assertThat(packedStrings.size()).isLessThan(plain.size() - 2 * arn.length());
        }
        assertThat(BinaryCodec.Out.packed(4).writeString(id).size()).isEqualTo(17);
        assertThat(BinaryCodec.Out.packed(4).writeString(id.toUpperCase(java.util.Locale.ROOT)).size()).isEqualTo(37);

        byte[] unknown = BinaryCodec.Out.packed(4).writeString("a").writeVarInt(2 * 5 + 1).toByteArray();
        BinaryCodec.In in = BinaryCodec.In.packed(unknown, 0);
        assertThat(in.readString()).isEqualTo("a");
        assertThatThrownBy(in::readString).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("string number 5 of 1");
    }

    /** Only a lowercase canonical UUID is taken as one: anything else would not be read back as it came. */
    @Test
    void takesOnlyLowercaseCanonicalUuidsAsUuids() {
        long[] bits = new long[2];
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 1_000; i++) {
            java.util.UUID uuid = new java.util.UUID(random.nextLong(), random.nextLong());
            assertThat(BinaryCodec.uuid(uuid.toString(), bits)).isTrue();
            assertThat(new java.util.UUID(bits[0], bits[1])).isEqualTo(uuid);
        }
        String id = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
        for (String other : List.of(id.toUpperCase(java.util.Locale.ROOT), id.replace('d', 'g'), id.replace('9', 'é'),
                id.substring(1) + "0", "9b1deb4d3-b7d-4bad-9bdd-2b0d7b3dcb6d", id.replace("-", "_"), id + "0")) {
            assertThat(BinaryCodec.uuid(other, bits)).as(other).isFalse();
        }
        assertThat(BinaryCodec.uuid(null, bits)).isFalse();
    }

    record Names(List<String> names) {
    }

    private static final BinaryCodec<Names> NAMES = new BinaryCodec<>() {
        @Override
        public void write(Out out, Names value) {
            out.writeList(value.names(), Out::writeString);
        }

        @Override
        public Names read(In in) {
            return new Names(in.readList(In::readString));
        }
    };

    /** The serde keeps its buffer between values: a value written after a larger one carries nothing of it. */
    @Test
    void aSerdeWritesEachValueAloneAfterALargerOne() {
        CompactSerde<Names> serde = new CompactSerde<>(Names.class, NAMES, 16);
        Names large = new Names(List.of("arn:aws:iam::111122223333:role/".repeat(50), "ü-ß", "x".repeat(100_000)));
        Names small = new Names(List.of("e1", "кey"));

        byte[] first = serde.write(large);
        byte[] second = serde.write(small);
        byte[] third = serde.write(large);

        assertThat(serde.read("t", first)).isEqualTo(large);
        assertThat(serde.read("t", second)).isEqualTo(small);
        assertThat(serde.read("t", third)).isEqualTo(large);
        assertThat(second).hasSize(1 + 1 + 3 + 1 + "кey".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void corruptInputIsAnErrorNotAHugeAllocation() {
        byte[] count = new BinaryCodec.Out(8).writeVarInt(Integer.MAX_VALUE).toByteArray();
        assertThatThrownBy(() -> new BinaryCodec.In(count, 0).readList(BinaryCodec.In::readString))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("list of");

        byte[] overlong = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        assertThatThrownBy(() -> new BinaryCodec.In(overlong, 0).readVarInt())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed varint");

        byte[] string = new BinaryCodec.Out(8).writeString("secret:prod/db").toByteArray();
        assertThatThrownBy(() -> new BinaryCodec.In(java.util.Arrays.copyOf(string, 5), 0).readString())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> new BinaryCodec.In(new byte[] {2}, 0).readBoolean())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a boolean");
    }

    @Test
    void encodedBytesAreCopiedIntoAPlainBufferAndRefusedByAPackedOne() {
        byte[] encoded = new BinaryCodec.Out(16).writeString("iam.amazonaws.com").toByteArray();
        byte[] copied = new BinaryCodec.Out(16).writeByte(7).writeEncoded(encoded).toByteArray();
        BinaryCodec.In in = new BinaryCodec.In(copied, 0);
        assertThat(in.readByte()).isEqualTo(7);
        assertThat(in.readString()).isEqualTo("iam.amazonaws.com");
        // a packed buffer numbers its strings as it writes them: copied bytes would skip a number
        assertThatThrownBy(() -> BinaryCodec.Out.packed(16).writeEncoded(encoded))
                .isInstanceOf(IllegalStateException.class);
    }
}
