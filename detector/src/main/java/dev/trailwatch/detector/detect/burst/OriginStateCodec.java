package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.util.List;

/**
 * {@link OriginState} (instance-credential-exfiltration) in {@link CompactSerde}'s binary format (version 1): its
 * fields in record order, origins as (name, first, eventId, call, decided). State stored as Smile by earlier versions
 * is still read, and so is binary state written before {@code anchoredSince} and {@code taints} (the last two
 * fields) were: it ends after {@code dueAt} (or {@code anchoredSince}); its owners read as owners since long ago, and
 * it has no taints recorded.
 */
final class OriginStateCodec implements BinaryCodec<OriginState> {

    static final CompactSerde<OriginState> SERDE = new CompactSerde<>(OriginState.class, new OriginStateCodec(), 256);

    @Override
    public void write(Out out, OriginState s) {
        out.writeNullable(s.anchor(), OriginStateCodec::writeOrigin);
        out.writeList(s.others(), OriginStateCodec::writeOrigin);
        out.writeList(s.users(), Out::writeString);
        out.writeList(s.anchoredBy(), Out::writeString);
        out.writeLong(s.resetAt()).writeLong(s.lastSeen()).writeLong(s.dueAt());
        out.writeList(s.anchoredSince(), Out::writeLong);
        out.writeList(s.taints(), OriginStateCodec::writeOrigin);
    }

    @Override
    public OriginState read(In in) {
        Origin anchor = in.readNullable(OriginStateCodec::readOrigin);
        var others = in.readList(OriginStateCodec::readOrigin);
        var users = in.readList(In::readString);
        var anchoredBy = in.readList(In::readString);
        long resetAt = in.readLong();
        long lastSeen = in.readLong();
        long dueAt = in.readLong();
        List<Long> anchoredSince = in.done() ? null : in.readList(In::readLong);
        List<Origin> taints = in.done() ? null : in.readList(OriginStateCodec::readOrigin);
        return new OriginState(anchor, others, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, taints);
    }

    private static void writeOrigin(Out out, Origin o) {
        out.writeString(o.name()).writeLong(o.first()).writeString(o.eventId());
        out.writeNullable(o.call(), BurstStateCodec::writeAnchor);
        out.writeBoolean(o.decided());
    }

    private static Origin readOrigin(In in) {
        return new Origin(in.readString(), in.readLong(), in.readString(),
                in.readNullable(BurstStateCodec::readAnchor), in.readBoolean());
    }
}
