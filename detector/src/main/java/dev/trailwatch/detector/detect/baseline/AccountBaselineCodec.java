package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link AccountBaseline} in {@link CompactSerde}'s binary format (version 1): first and last seen, then the regions
 * and the services, each as a count and (name, last use) pairs. The first-use baseline is written on every first
 * sight and last-use step; state stored as Smile before is still read.
 */
final class AccountBaselineCodec implements BinaryCodec<AccountBaseline> {

    static final CompactSerde<AccountBaseline> SERDE =
            new CompactSerde<>(AccountBaseline.class, new AccountBaselineCodec(), 512);

    @Override
    public void write(Out out, AccountBaseline baseline) {
        out.writeLong(baseline.firstSeen()).writeLong(baseline.lastSeen());
        writeUses(out, baseline.regions());
        writeUses(out, baseline.services());
    }

    @Override
    public AccountBaseline read(In in) {
        long firstSeen = in.readLong();
        long lastSeen = in.readLong();
        return new AccountBaseline(firstSeen, lastSeen, readUses(in), readUses(in));
    }

    private static void writeUses(Out out, Map<String, Long> uses) {
        out.writeVarInt(uses.size());
        uses.forEach((name, last) -> out.writeString(name).writeLong(last));
    }

    private static Map<String, Long> readUses(In in) {
        int n = in.readVarInt();
        Map<String, Long> uses = new HashMap<>();
        for (int i = 0; i < n; i++) {
            uses.put(in.readString(), in.readLong());
        }
        return uses;
    }
}
