package dev.trailwatch.detector.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first-use baseline survives its store serde with every field, and Smile state of earlier versions is read. */
class AccountBaselineCodecTest {

    private static AccountBaseline sample() {
        return new AccountBaseline(1_700_000_000_000L, 1_700_086_400_000L,
                Map.of("eu-west-1", 1_700_000_000_000L, "us-east-1", 1_700_086_400_000L),
                Map.of("ec2.amazonaws.com", 1_700_000_100_000L, "bedrock.amazonaws.com", 1_700_000_200_000L));
    }

    @Test
    void keepsEveryFieldThroughTheStoreSerde() {
        AccountBaseline baseline = sample();

        byte[] bytes = AccountBaselineCodec.SERDE.serializer().serialize("t", baseline);
        AccountBaseline read = AccountBaselineCodec.SERDE.deserializer().deserialize("t", bytes);

        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(read).usingRecursiveComparison().isEqualTo(baseline);
        AccountBaseline empty = AccountBaseline.startingAt(5);
        assertThat(AccountBaselineCodec.SERDE.deserializer().deserialize("t",
                AccountBaselineCodec.SERDE.serializer().serialize("t", empty)))
                .usingRecursiveComparison().isEqualTo(empty);
    }

    @Test
    void readsBaselinesStoredAsSmileByEarlierVersions() {
        AccountBaseline baseline = sample();
        byte[] smile = JacksonSerde.smile(AccountBaseline.class).serializer().serialize("t", baseline);

        assertThat(AccountBaselineCodec.SERDE.deserializer().deserialize("t", smile))
                .usingRecursiveComparison().isEqualTo(baseline);
    }
}
