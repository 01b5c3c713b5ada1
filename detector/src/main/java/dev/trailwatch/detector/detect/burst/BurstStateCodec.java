package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.AlertContext;
import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.util.List;

/**
 * {@link BurstState} in {@link CompactSerde}'s binary format (version 1): {@code dueAt}, then each open window's
 * fields in record order; entries as (time, eventId, token), the anchor and its actor as nullable strings. A burst
 * processor reads and writes its key's state for every event it counts, so this replaced Smile/Jackson databind;
 * state stored as Smile before is still read.
 */
final class BurstStateCodec implements BinaryCodec<BurstState> {

    static final CompactSerde<BurstState> SERDE = new CompactSerde<>(BurstState.class, new BurstStateCodec(), 512);

    /*
     * The writes are loops and direct calls, not Out.writeList/writeNullable with a method reference: the function a
     * shared writeList calls is megamorphic (every codec passes its own), so C2 never inlined it there, and each
     * reference's lambda became a root of its own, compiled with the whole tree under it again (in the bench's
     * measured half: writeWindow's lambda 0.45 s, writeWindow 0.25 s, writeAnchor 0.13 s, the entries' lambdas 0.16 s
     * of the C2 thread, for one tree). The bytes are the same (StateBytesTest); reading is cold and keeps the lists.
     */
    @Override
    public void write(Out out, BurstState state) {
        out.writeLong(state.dueAt());
        List<OpenBurst> windows = state.windows();
        out.writeVarInt(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            writeWindow(out, windows.get(i));
        }
    }

    @Override
    public BurstState read(In in) {
        long dueAt = in.readLong();
        return new BurstState(in.readList(BurstStateCodec::readWindow), dueAt);
    }

    private static void writeWindow(Out out, OpenBurst w) {
        out.writeLong(w.start()).writeLong(w.count());
        writeEntries(out, w.earliest());
        writeEntries(out, w.firsts());
        out.writeLong(w.firstEventTime()).writeLong(w.lastEventTime());
        Anchor anchor = w.anchor();
        out.writeBoolean(anchor != null);
        if (anchor != null) {
            writeAnchor(out, anchor);
        }
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

    /** As {@link Out#writeList} with {@link #writeEntry}. */
    private static void writeEntries(Out out, List<Entry> entries) {
        out.writeVarInt(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            writeEntry(out, entries.get(i));
        }
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
        AlertContext.Actor actor = a.actor();
        out.writeBoolean(actor != null);
        if (actor != null) {
            writeActor(out, actor);
        }
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
