package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;

/**
 * {@link LoginState} (console-bruteforce-success) in {@link CompactSerde}'s binary format (version 1): {@code dueAt},
 * the failure windows with their correlations, then the logins, each field in record order. State stored as Smile by
 * earlier versions is still read.
 */
final class LoginStateCodec implements BinaryCodec<LoginState> {

    static final CompactSerde<LoginState> SERDE = new CompactSerde<>(LoginState.class, new LoginStateCodec(), 512);

    @Override
    public void write(Out out, LoginState state) {
        out.writeLong(state.dueAt());
        out.writeList(state.bursts(), LoginStateCodec::writeBurst);
        out.writeList(state.logins(), LoginStateCodec::writeLogin);
    }

    @Override
    public LoginState read(In in) {
        long dueAt = in.readLong();
        var bursts = in.readList(LoginStateCodec::readBurst);
        return new LoginState(bursts, in.readList(LoginStateCodec::readLogin), dueAt);
    }

    private static void writeBurst(Out out, FailureBurst b) {
        out.writeLong(b.start()).writeLong(b.end()).writeLong(b.count());
        out.writeList(b.targets(), Out::writeString);
        out.writeList(b.correlations(), LoginStateCodec::writeCorrelation);
    }

    private static FailureBurst readBurst(In in) {
        long start = in.readLong();
        long end = in.readLong();
        long count = in.readLong();
        var targets = in.readList(In::readString);
        return new FailureBurst(start, end, count, targets, in.readList(LoginStateCodec::readCorrelation));
    }

    private static void writeCorrelation(Out out, Correlation c) {
        out.writeString(c.alertId());
        out.writeNullable(c.first(), LoginStateCodec::writeLogin);
        out.writeLong(c.count());
        out.writeList(c.logins(), BurstStateCodec::writeEntry);
        out.writeLong(c.lastEventTime()).writeString(c.sent()).writeLong(c.pendingSince());
    }

    private static Correlation readCorrelation(In in) {
        String alertId = in.readString();
        Login first = in.readNullable(LoginStateCodec::readLogin);
        long count = in.readLong();
        var logins = in.readList(BurstStateCodec::readEntry);
        long lastEventTime = in.readLong();
        String sent = in.readString();
        return new Correlation(alertId, first, count, logins, lastEventTime, sent, in.readLong());
    }

    private static void writeLogin(Out out, Login l) {
        out.writeLong(l.time()).writeString(l.eventId()).writeString(l.identity()).writeString(l.target());
        out.writeNullable(l.anchor(), BurstStateCodec::writeAnchor);
    }

    private static Login readLogin(In in) {
        return new Login(in.readLong(), in.readString(), in.readString(), in.readString(),
                in.readNullable(BurstStateCodec::readAnchor));
    }
}
