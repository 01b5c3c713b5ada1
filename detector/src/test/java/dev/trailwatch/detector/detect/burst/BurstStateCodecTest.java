package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Burst state in its binary store format: every field comes back as it was written, and state an earlier version
 * stored as Smile (in the store or its changelog) is still read after an upgrade.
 */
class BurstStateCodecTest {

    private static final String TOPIC = "trailwatch-detector-credential-harvesting-burst-state-changelog";

    private static final Anchor WITH_ACTOR = new Anchor("111122223333", "eu-west-1",
            "arn:aws:sts::111122223333:assumed-role/Admin/jürgen@example.com", "203.0.113.7",
            "aws-cli/2.15.0 Python/3.11", "GetSecretValue", "secretsmanager.amazonaws.com",
            new AlertContext.Actor(null, null, null, null, "jürgen", null, "9067-user"));
    private static final Anchor NO_ACTOR = new Anchor("111122223333", null, "AIDAEXAMPLE", null, null,
            "DeleteObject", "s3.amazonaws.com", null);

    /** Two open windows: one alerted with tokens and events waiting, one not yet with no anchor or tokens. */
    static BurstState sample() {
        OpenBurst alerted = new OpenBurst(1_700_000_400_000L, 42,
                List.of(new Entry(1_700_000_401_000L, "0b1c-e1", "prod/db/password"),
                        new Entry(1_700_000_402_500L, "0b1c-e2", null)),
                List.of(new Entry(1_700_000_401_000L, "0b1c-e1", "prod/db/password"),
                        new Entry(1_700_000_403_000L, "0b1c-e7", "prod/api/кey")),
                1_700_000_401_000L, 1_700_000_499_999L, WITH_ACTOR, true, 40, 1_733_400_000_123L);
        OpenBurst opening = new OpenBurst(1_700_000_700_000L, 1,
                List.of(new Entry(1_700_000_700_001L, "e9", null)), List.of(), 1_700_000_700_001L,
                1_700_000_700_001L, NO_ACTOR, false, 0, 0);
        OpenBurst empty = OpenBurst.opening(1_700_001_000_000L);
        return new BurstState(List.of(alerted, opening, empty), 1_700_000_900_000L);
    }

    @Test
    void readsBackEveryFieldItWrote() {
        BurstState state = sample();
        byte[] bytes = BurstStateCodec.SERDE.serializer().serialize(TOPIC, state);

        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(BurstStateCodec.SERDE.deserializer().deserialize(TOPIC, bytes)).isEqualTo(state);
        assertThat(BurstStateCodec.SERDE.deserializer().deserialize(TOPIC, bytes(BurstState.EMPTY)))
                .isEqualTo(BurstState.EMPTY);
    }

    /** One GetParameters call that read three names is the first event of three tokens: all come back, in order. */
    @Test
    void readsBackAWindowWhoseEventCountsAsSeveralTokens() {
        OpenBurst window = new OpenBurst(1_700_000_400_000L, 2,
                List.of(new Entry(1_700_000_401_000L, "0b1c-e1", null), new Entry(1_700_000_402_000L, "0b1c-e2", null)),
                List.of(new Entry(1_700_000_401_000L, "0b1c-e1", "parameter:/prod/a"),
                        new Entry(1_700_000_401_000L, "0b1c-e1", "parameter:/prod/b"),
                        new Entry(1_700_000_401_000L, "0b1c-e1", "parameter:/prod/c"),
                        new Entry(1_700_000_402_000L, "0b1c-e2", "secret:prod/db")),
                1_700_000_401_000L, 1_700_000_402_000L, WITH_ACTOR, false, 0, 0);
        BurstState state = new BurstState(List.of(window), 1_700_001_000_000L);

        BurstState read = BurstStateCodec.SERDE.deserializer().deserialize(TOPIC, bytes(state));
        assertThat(read).isEqualTo(state);
        assertThat(read.windows().get(0).tokens()).containsExactly("parameter:/prod/a", "parameter:/prod/b",
                "parameter:/prod/c", "secret:prod/db");
    }

    @Test
    void isSmallerThanTheSmileItReplaces() {
        BurstState state = sample();
        byte[] smile = JacksonSerde.smile(BurstState.class).serializer().serialize(TOPIC, state);

        assertThat(bytes(state).length).isLessThan(smile.length);
    }

    @Test
    void readsStateStoredAsSmileByEarlierVersions() {
        BurstState state = sample();
        byte[] smile = JacksonSerde.smile(BurstState.class).serializer().serialize(TOPIC, state);

        assertThat(new String(smile, 0, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(":)\n");
        assertThat(BurstStateCodec.SERDE.deserializer().deserialize(TOPIC, smile)).isEqualTo(state);
    }

    @Test
    void corruptStateIsAnErrorNamingTheTypeAndTopic() {
        byte[] good = bytes(sample());

        assertThatThrownBy(() -> BurstStateCodec.SERDE.deserializer().deserialize(TOPIC,
                Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("BurstState").hasMessageContaining(TOPIC).hasMessageContaining("truncated");
        byte[] future = good.clone();
        future[0] = 7;
        assertThatThrownBy(() -> BurstStateCodec.SERDE.deserializer().deserialize(TOPIC, future))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown format version 7");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> BurstStateCodec.SERDE.deserializer().deserialize(TOPIC, trailing))
                .isInstanceOf(SerializationException.class).hasMessageContaining("trailing bytes");
    }

    private static byte[] bytes(BurstState state) {
        return BurstStateCodec.SERDE.serializer().serialize(TOPIC, state);
    }
}
