package dev.trailwatch.detector.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.pipeline.TrailObject;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which files a hunt reads: by the delivery time in their names, S3 objects before {@code --since} and well after
 * {@code --until} are skipped; local files past {@code --until} are read (a local tree may hold exports re-packed by day
 * under CloudTrail's names, as the bundled samples do: a file named 03-07 holding events from 03-03 on).
 */
class ScanFilterTest {

    private static final String NAME = "111111111111_CloudTrail_us-east-1_20250307T2130Z_yjYVj1EYHFHle5Ji.json.gz";
    private static final ScanFilter UNTIL_MARCH_6 = new ScanFilter(null, Instant.parse("2025-03-06T00:00:00Z"),
            Set.of(), Set.of(), Duration.ofHours(1));
    private static final ScanFilter SINCE_MARCH_8 = new ScanFilter(Instant.parse("2025-03-08T00:00:00Z"), null,
            Set.of(), Set.of(), Duration.ofHours(1));

    @Test
    void aLocalFileNamedAfterUntilIsStillReadAnS3ObjectIsNot() {
        assertThat(UNTIL_MARCH_6.mayHold(object("file"))).isTrue();
        assertThat(UNTIL_MARCH_6.mayHold(object("s3"))).isFalse();
    }

    @Test
    void aFileDeliveredBeforeSinceHoldsNothingAfterItWhereverItIs() {
        assertThat(SINCE_MARCH_8.mayHold(object("file"))).isFalse();
        assertThat(SINCE_MARCH_8.mayHold(object("s3"))).isFalse();
    }

    private static TrailObject object(String source) {
        return TrailObject.of(NAME, source.equals("s3") ? "s3://bucket/" + NAME : "/logs/" + NAME, source, 1,
                () -> new ByteArrayInputStream(new byte[0]));
    }
}
