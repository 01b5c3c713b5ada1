package dev.trailwatch.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object's stream closed before its end aborts its GET (the SDK would otherwise read the rest of the object
 * through the connection); read to the end, it does not (the connection goes back to the pool).
 */
class S3ObjectsTest {

    private static final int SIZE = 1 << 20;

    private final AtomicInteger aborts = new AtomicInteger();
    private final AtomicInteger left = new AtomicInteger(-1);

    /** An S3 client whose GETs return SIZE bytes and count their aborts and the bytes left unread at close. */
    private final S3Client s3 = new S3Client() {
        @Override
        public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
            ByteArrayInputStream body = new ByteArrayInputStream(new byte[SIZE]) {
                @Override
                public void close() {
                    left.set(available());
                }
            };
            return new ResponseInputStream<>(GetObjectResponse.builder().contentLength((long) SIZE).build(),
                    AbortableInputStream.create(body, aborts::incrementAndGet));
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    };

    @Test
    void aStreamClosedBeforeItsEndAbortsItsGetInsteadOfDrainingIt() throws Exception {
        try (InputStream in = S3Objects.open(s3, "bucket", "key.json.gz")) {
            assertThat(in.readNBytes(1000)).hasSize(1000);
        }
        assertThat(aborts).hasValue(1);
        assertThat(left.get()).as("bytes left unread: not drained").isGreaterThan(SIZE / 2);
    }

    @Test
    void aStreamReadToItsEndIsNotAborted() throws Exception {
        try (InputStream in = S3Objects.open(s3, "bucket", "key.json.gz")) {
            assertThat(in.readAllBytes()).hasSize(SIZE);
        }
        assertThat(aborts).hasValue(0);
        assertThat(left).hasValue(0);
    }

    @Test
    void aReaderThatStopsExactlyAtTheEndWithoutSeeingItIsNotAborted() throws Exception {
        try (InputStream in = S3Objects.open(s3, "bucket", "key.json.gz")) {
            assertThat(in.readNBytes(SIZE)).hasSize(SIZE); // every byte, but no read has returned -1 yet
        }
        assertThat(aborts).hasValue(0);
    }
}
