package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.serde.CompactSerde;
import dev.trailwatch.detector.serde.JacksonSerde;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * console-bruteforce-success's and instance-credential-exfiltration's states in their binary store format: every
 * field comes back as written, and state stored as Smile by earlier versions is still read after an upgrade.
 */
class WindowStateCodecsTest {

    private static final Anchor ANCHOR = new Anchor("111122223333", "us-east-1",
            "arn:aws:sts::111122223333:assumed-role/Dev/i-0abc", "198.51.100.4", "Mozilla/5.0", "ConsoleLogin",
            "signin.amazonaws.com", new AlertContext.Actor(null, null, null, null, "bob", null, null));

    static LoginState loginState() {
        Login success = new Login(1_700_000_120_000L, "ok-1", "arn:aws:iam::111122223333:user/alice",
                "111122223333/alice", ANCHOR);
        Login noAnchor = new Login(1_700_000_130_000L, "ok-2", null, null, null);
        Correlation correlation = new Correlation("console-bruteforce-success|198.51.100.4|alice|1700000000000",
                success, 2, List.of(new Entry(1_700_000_120_000L, "ok-1", "alice"),
                new Entry(1_700_000_125_000L, "ok-3", null)), 1_700_000_125_000L, "digest-7", 1_733_400_000_000L);
        FailureBurst burst = new FailureBurst(1_700_000_000_000L, 1_700_000_300_000L, 12,
                List.of("111122223333/alice", "111122223333/bob"), List.of(correlation));
        FailureBurst quiet = FailureBurst.open(1_700_000_300_000L, 300_000L);
        return new LoginState(List.of(burst, quiet), List.of(success, noAnchor), 1_700_000_900_000L);
    }

    static OriginState originState() {
        Origin own = new Origin("203.0.113.9", 1_700_000_000_000L, "e-1", ANCHOR, true);
        Origin other = new Origin("vpce-0123", 1_700_000_050_000L, "e-2", null, false);
        return new OriginState(own, List.of(other), List.of("i-0abc", "i-0def"), List.of("i-0abc"),
                1_699_999_000_000L, 1_700_000_050_000L, Long.MIN_VALUE);
    }

    @Test
    void loginStateKeepsEveryFieldAndReadsItsSmileForm() {
        roundTrips(LoginStateCodec.SERDE, LoginState.class, loginState());
        roundTrips(LoginStateCodec.SERDE, LoginState.class, LoginState.EMPTY);
    }

    @Test
    void originStateKeepsEveryFieldAndReadsItsSmileForm() {
        roundTrips(OriginStateCodec.SERDE, OriginState.class, originState());
        roundTrips(OriginStateCodec.SERDE, OriginState.class, OriginState.EMPTY);
    }

    private static <T> void roundTrips(CompactSerde<T> serde, Class<T> type, T state) {
        byte[] bytes = serde.serializer().serialize("t", state);
        assertThat(bytes[0]).isEqualTo(CompactSerde.VERSION);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(state);

        byte[] smile = JacksonSerde.smile(type).serializer().serialize("t", state);
        assertThat(serde.deserializer().deserialize("t", smile)).isEqualTo(state);
    }
}
