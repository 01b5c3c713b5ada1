package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.util.List;

/**
 * {@link OriginState} (instance-credential-exfiltration) in {@link CompactSerde}'s binary format (version 1): the
 * codec's own layout number, then the fields in record order, origins as (name, first, eventId, call, decided).
 *
 * <p>Layouts, told by the first byte:
 * <ul>
 *   <li>Layout 3, written now, starts with the byte {@value #LAYOUT_3}: layout 2's fields, then {@code
 *       anchoredUntil}, when each ownership of the address ended.</li>
 *   <li>Layout 2 starts with the byte {@value #LAYOUT_2} and ends with {@code anchoredSince} and {@code taints}; read,
 *       every owner it names is an owner still.</li>
 *   <li>Layout 1 had no number: its first byte is the anchor's presence byte (0 or 1), and it ends after {@code
 *       dueAt}; read, its owners are owners since long ago and it has no taints recorded.</li>
 * </ul>
 * The layout is told by that first byte, never by whether input is left: a packed journal entry ({@link StateJournal})
 * holds several states and more bytes after each. State stored as Smile by earlier versions is still read. Not the
 * other way: a detector that reads only layouts 1 and 2 refuses layout 3 ("origin state layout 3"), and one that reads
 * only layout 1 refuses both ("not a boolean at byte 1"), so going back to one takes resetting the application's stores
 * and internal topics (docs/operations.md, "Upgrades, and going back").
 */
final class OriginStateCodec implements BinaryCodec<OriginState> {

    static final CompactSerde<OriginState> SERDE = new CompactSerde<>(OriginState.class, new OriginStateCodec(), 256);

    /** The first byte of layout 2; layout 1 starts with the anchor's presence byte, 0 or 1. */
    static final int LAYOUT_2 = 2;
    /** The first byte of layout 3, which keeps when each ownership ended. */
    static final int LAYOUT_3 = 3;

    @Override
    public void write(Out out, OriginState s) {
        out.writeByte(LAYOUT_3);
        out.writeNullable(s.anchor(), OriginStateCodec::writeOrigin);
        out.writeList(s.others(), OriginStateCodec::writeOrigin);
        out.writeList(s.users(), Out::writeString);
        out.writeList(s.anchoredBy(), Out::writeString);
        out.writeLong(s.resetAt()).writeLong(s.lastSeen()).writeLong(s.dueAt());
        out.writeList(s.anchoredSince(), Out::writeLong);
        out.writeList(s.taints(), OriginStateCodec::writeOrigin);
        out.writeList(s.anchoredUntil(), Out::writeLong);
    }

    @Override
    public OriginState read(In in) {
        int layout = in.readByte();
        if (layout > LAYOUT_3) {
            throw new IllegalArgumentException("origin state layout " + layout);
        }
        boolean numbered = layout >= LAYOUT_2;
        // layout 1's first byte was the anchor's presence
        Origin anchor = (numbered ? in.readBoolean() : layout == 1) ? readOrigin(in) : null;
        var others = in.readList(OriginStateCodec::readOrigin);
        var users = in.readList(In::readString);
        var anchoredBy = in.readList(In::readString);
        long resetAt = in.readLong();
        long lastSeen = in.readLong();
        long dueAt = in.readLong();
        List<Long> anchoredSince = numbered ? in.readList(In::readLong) : null;
        List<Origin> taints = numbered ? in.readList(OriginStateCodec::readOrigin) : null;
        List<Long> anchoredUntil = layout == LAYOUT_3 ? in.readList(In::readLong) : null;
        return new OriginState(anchor, others, users, anchoredBy, resetAt, lastSeen, dueAt, anchoredSince, taints,
                anchoredUntil);
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
