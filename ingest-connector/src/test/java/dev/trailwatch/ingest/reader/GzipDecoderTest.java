package dev.trailwatch.ingest.reader;

import static dev.trailwatch.ingest.reader.Fixtures.envelope;
import static dev.trailwatch.ingest.reader.Fixtures.gzip;
import static dev.trailwatch.ingest.reader.Fixtures.record;
import static dev.trailwatch.ingest.reader.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link GzipDecoder} against {@link GZIPInputStream} (with the 64 KiB input buffer the reader gave it) on real gzip
 * files, whole and damaged: the same bytes, and the same exception and message where it fails.
 */
class GzipDecoderTest {

    private static final Random RANDOM = new Random(20261206);

    @Test
    void decodesWhatGzipInputStreamDecodesFileAfterFileOnOneThread() throws IOException {
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            files.add(gzip(cloudTrailFile(1 + RANDOM.nextInt(400))));
        }
        files.add(gzip(new byte[0]));
        files.add(gzip(cloudTrailFile(3_000))); // larger than one input buffer, compressed
        for (byte[] file : files) {
            assertThat(decoded(file)).isEqualTo(oracle(file));
        }
    }

    @Test
    void readsEveryMemberOfAMultiMemberFile() throws IOException {
        byte[] file = concat(gzip(utf8(record(1) + "\n")), gzip(new byte[0]), gzip(utf8(record(2) + "\n")));

        assertThat(decoded(file)).isEqualTo(oracle(file))
                .isEqualTo(new Outcome(utf8(record(1) + "\n" + record(2) + "\n"), null));
    }

    @Test
    void readsTheOptionalHeaderFieldsAndChecksTheHeaderCrc() throws IOException {
        byte[] plain = cloudTrailFile(5);
        byte[] withFields = withHeader(plain, "AWSLogs.json", "a comment", new byte[] {1, 2, 3, 4}, true);

        assertThat(decoded(withFields)).isEqualTo(oracle(withFields)).isEqualTo(new Outcome(plain, null));
        byte[] badHeaderCrc = withFields.clone();
        badHeaderCrc[headerLength(withFields) - 2] ^= 0x55;
        assertThat(decoded(badHeaderCrc)).isEqualTo(oracle(badHeaderCrc));
        assertThat(decoded(badHeaderCrc).failure()).isEqualTo("java.util.zip.ZipException: Corrupt GZIP header");
    }

    @Test
    void failsAsGzipInputStreamFailsOnAFileCutAtAnyByte() throws IOException {
        byte[] file = gzip(cloudTrailFile(20));
        for (int length = 0; length < file.length; length++) {
            byte[] cut = Arrays.copyOf(file, length);
            assertThat(decoded(cut)).as("cut at %d of %d", length, file.length).isEqualTo(oracle(cut));
        }
        assertThat(decoded(Arrays.copyOf(file, file.length / 2)).failure())
                .isEqualTo("java.io.EOFException: Unexpected end of ZLIB input stream");
        assertThat(decoded(Arrays.copyOf(file, file.length - 3)).failure()).isEqualTo("java.io.EOFException: null");
    }

    @Test
    void failsAsGzipInputStreamFailsOnACorruptByteAnywhere() throws IOException {
        byte[] file = gzip(cloudTrailFile(20));
        List<String> failures = new ArrayList<>();
        for (int at = 2; at < file.length; at++) {
            for (int flip : new int[] {0x01, 0x80, 0xff}) {
                byte[] corrupt = file.clone();
                corrupt[at] ^= (byte) flip;
                Outcome outcome = decoded(corrupt);
                assertThat(outcome).as("byte %d ^ %x", at, flip).isEqualTo(oracle(corrupt));
                failures.add(outcome.failure());
            }
        }
        assertThat(failures).contains("java.util.zip.ZipException: Corrupt GZIP trailer",
                "java.util.zip.ZipException: Unsupported compression method");
        assertThat(failures).anyMatch(f -> f != null && f.startsWith("java.util.zip.ZipException: invalid"));
    }

    @Test
    void ignoresWhatFollowsTheLastMemberWhenItIsNoGzipHeader() throws IOException {
        byte[] file = gzip(cloudTrailFile(3));
        for (byte[] tail : List.of(utf8("x"), utf8("\n\n\n"), new byte[40], utf8("not gzip at all, but long enough to try"),
                new byte[] {0x1f, (byte) 0x8b, 7})) {
            byte[] trailing = concat(file, tail);
            assertThat(decoded(trailing)).isEqualTo(oracle(trailing)).isEqualTo(oracle(file));
        }
    }

    @Test
    void aFileOpenedWhileAnotherIsOpenOnTheSameThreadDecodesBothInterleaved() throws IOException {
        byte[] a = cloudTrailFile(300);
        byte[] b = cloudTrailFile(200);
        ByteArrayOutputStream outA = new ByteArrayOutputStream();
        ByteArrayOutputStream outB = new ByteArrayOutputStream();
        try (InputStream first = CloudTrailFileReader.decoded(new ByteArrayInputStream(gzip(a)));
             InputStream second = CloudTrailFileReader.decoded(new ByteArrayInputStream(gzip(b)))) {
            byte[] chunk = new byte[1000];
            boolean firstDone = false;
            boolean secondDone = false;
            while (!firstDone || !secondDone) {
                firstDone = firstDone || copy(first, chunk, outA);
                secondDone = secondDone || copy(second, chunk, outB);
            }
        }
        assertThat(outA.toByteArray()).isEqualTo(a);
        assertThat(outB.toByteArray()).isEqualTo(b);
        // and the thread's own inflater still decodes the next file
        assertThat(decoded(gzip(a))).isEqualTo(new Outcome(a, null));
    }

    @Test
    void closingClosesTheSourceAndEndsTheStream() throws IOException {
        boolean[] closed = {false};
        InputStream source = new ByteArrayInputStream(gzip(cloudTrailFile(2))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        InputStream decoded = CloudTrailFileReader.decoded(source);
        assertThat(decoded.read()).isEqualTo('{');
        decoded.close();

        assertThat(closed[0]).isTrue();
        assertThatThrownBy(decoded::read).isInstanceOf(IOException.class);
    }

    /** What reading a whole stream gives: the bytes read before it ended or failed, and the failure. */
    record Outcome(byte[] bytes, String failure) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && Arrays.equals(bytes, other.bytes)
                    && Objects.equals(failure, other.failure);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes (crc " + HexFormat.of().toHexDigits((int) crc(bytes)) + "), " + failure;
        }
    }

    private static Outcome decoded(byte[] file) {
        return outcome(() -> CloudTrailFileReader.decoded(new ByteArrayInputStream(file)));
    }

    /** GZIPInputStream as the reader used it, behind the same magic-byte check. */
    private static Outcome oracle(byte[] file) {
        boolean gzip = file.length >= 2 && (file[0] & 0xff) == 0x1f && (file[1] & 0xff) == 0x8b;
        return outcome(() -> gzip ? new GZIPInputStream(new ByteArrayInputStream(file), 64 * 1024)
                : new ByteArrayInputStream(file));
    }

    private interface Open {
        InputStream open() throws IOException;
    }

    private static Outcome outcome(Open open) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = open.open()) {
            byte[] chunk = new byte[4096];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                out.write(chunk, 0, n);
            }
            return new Outcome(out.toByteArray(), null);
        } catch (IOException e) {
            return new Outcome(out.toByteArray(), e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static boolean copy(InputStream in, byte[] chunk, ByteArrayOutputStream out) throws IOException {
        int n = in.read(chunk);
        if (n < 0) {
            return true;
        }
        out.write(chunk, 0, n);
        return false;
    }

    private static byte[] cloudTrailFile(int records) {
        return utf8(envelope(IntStream.range(0, records).mapToObj(i -> record(RANDOM.nextInt(1_000_000)))
                .toArray(String[]::new)));
    }

    /** A gzip file written by hand with the optional header fields (RFC 1952), deflated by {@link Deflater}. */
    private static byte[] withHeader(byte[] plain, String name, String comment, byte[] extra, boolean headerCrc) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) (4 | 8 | 16 | (headerCrc ? 2 : 0)), 0, 0, 0, 0, 0,
                3});
        header.write(extra.length & 0xff);
        header.write(extra.length >> 8);
        header.writeBytes(extra);
        header.writeBytes((name + "\0").getBytes(StandardCharsets.ISO_8859_1));
        header.writeBytes((comment + "\0").getBytes(StandardCharsets.ISO_8859_1));
        if (headerCrc) {
            int crc = (int) crc(header.toByteArray());
            header.write(crc & 0xff);
            header.write((crc >> 8) & 0xff);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(body, new Deflater(6, true))) {
            deflate.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long crc = crc(plain);
        byte[] trailer = {(byte) crc, (byte) (crc >> 8), (byte) (crc >> 16), (byte) (crc >> 24),
                (byte) plain.length, (byte) (plain.length >> 8), (byte) (plain.length >> 16),
                (byte) (plain.length >> 24)};
        return concat(header.toByteArray(), body.toByteArray(), trailer);
    }

    /** The length of {@link #withHeader}'s header with every optional field: where its CRC ends. */
    private static int headerLength(byte[] file) {
        int at = 10;
        at += 2 + ((file[10] & 0xff) | (file[11] & 0xff) << 8);
        while (file[at++] != 0) {
            // name
        }
        while (file[at++] != 0) {
            // comment
        }
        return at + 2;
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
