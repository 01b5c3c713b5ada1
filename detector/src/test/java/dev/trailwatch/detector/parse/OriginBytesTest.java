package dev.trailwatch.detector.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.deadletter.Quarantine;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The origin header the parse node writes is {@link Quarantine#origin}'s text, whatever the offset. */
class OriginBytesTest {

    @Test
    void prefixAndOffsetSpellTheQuarantinesOrigin() {
        byte[] prefix = "cloudtrail.events-3@".getBytes(StandardCharsets.UTF_8);
        long[] offsets = {0, 1, 9, 10, 99, 100, 12_345_678_901L, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        for (long offset : offsets) {
            assertThat(new String(ParseProcessor.withDecimal(prefix, offset), StandardCharsets.UTF_8))
                    .isEqualTo(Quarantine.origin("cloudtrail.events", 3, offset));
        }
    }
}
