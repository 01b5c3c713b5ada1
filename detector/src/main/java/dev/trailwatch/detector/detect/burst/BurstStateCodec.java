package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;

/**
 * {@link BurstState} in {@link CompactSerde}'s binary format (version 1): {@code dueAt}, then each open window's
 * fields in record order; entries as (time, eventId, token), the anchor and its actor as nullable strings. A burst
 * processor reads and writes its key's state for every event it counts, so this replaced Smile/Jackson databind;
 * state stored as Smile before is still read.
 */
final class BurstStateCodec implements BinaryCodec<BurstState> {

    static final CompactSerde<BurstState> SERDE = new CompactSerde<>(BurstState.class, new BurstStateCodec(), 512);

    @Override
    public void write(Out out, BurstState state) {
        out.writeLong(state.dueAt());
        out.writeList(state.windows(), BurstStateCodec::writeWindow);
    }

    @Override
    public BurstState read(In in) {
        long dueAt = in.readLong();
        return new BurstState(in.readList(BurstStateCodec::readWindow), dueAt);
    }

    private static void writeWindow(Out out, OpenBurst w) {
        out.writeLong(w.start()).writeLong(w.count());
        out.writeList(w.earliest(), BurstStateCodec::writeEntry);
        out.writeList(w.firsts(), BurstStateCodec::writeEntry);
        out.writeLong(w.firstEventTime()).writeLong(w.lastEventTime());
        out.writeNullable(w.anchor(), BurstStateCodec::writeAnchor);
        out.writeBoolean(w.alerted()).writeLong(w.reported()).writeLong(w.pendingSince());
    }

    private static OpenBurst readWindow(In in) {
        long start = in.readLong();
        long count = in.readLong();
        var earliest = in.readList(BurstStateCodec::readEntry);
        var firsts = in.readList(BurstStateCodec::readEntry);
        long firstEventTime = in.readLong();
        long lastEventTime = in.readLong();
        Anchor anchor = in.readNullable(BurstStateCodec::readAnchor);
        boolean alerted = in.readBoolean();
        long reported = in.readLong();
        long pendingSince = in.readLong();
        return new OpenBurst(start, count, earliest, firsts, firstEventTime, lastEventTime, anchor, alerted, reported,
                pendingSince);
    }

    static void writeEntry(Out out, Entry e) {
        out.writeLong(e.time()).writeString(e.eventId()).writeString(e.token());
    }

    static Entry readEntry(In in) {
        return new Entry(in.readLong(), in.readString(), in.readString());
    }

    static void writeAnchor(Out out, Anchor a) {
        out.writeString(a.accountId()).writeString(a.region()).writeString(a.principal()).writeString(a.sourceIp())
                .writeString(a.userAgent()).writeString(a.eventName()).writeString(a.eventSource());
        out.writeNullable(a.actor(), BurstStateCodec::writeActor);
    }

    static Anchor readAnchor(In in) {
        return new Anchor(in.readString(), in.readString(), in.readString(), in.readString(), in.readString(),
                in.readString(), in.readString(), in.readNullable(BurstStateCodec::readActor));
    }

    private static void writeActor(Out out, AlertContext.Actor a) {
        out.writeString(a.human()).writeString(a.humanFrom()).writeString(a.role()).writeString(a.sessionName())
                .writeString(a.sourceIdentity()).writeString(a.identityCenterUser())
                .writeString(a.identityCenterUserId());
    }

    private static AlertContext.Actor readActor(In in) {
        return new AlertContext.Actor(in.readString(), in.readString(), in.readString(), in.readString(),
                in.readString(), in.readString(), in.readString());
    }
}
