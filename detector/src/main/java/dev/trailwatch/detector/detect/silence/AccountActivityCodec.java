package dev.trailwatch.detector.detect.silence;

import dev.trailwatch.detector.serde.BinaryCodec;
import dev.trailwatch.detector.serde.CompactSerde;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link AccountActivity} in {@link CompactSerde}'s binary format (version 1): the number of regions, then each
 * region's name and {@link RegionActivity} fields in declaration order. trail-silent writes an account's activity
 * whenever a region's recent count changes (every event until it reaches {@code silence.min-events}), which Smile
 * through Jackson made ~1% of the stream thread in the bench; state stored as Smile before is still read.
 */
final class AccountActivityCodec implements BinaryCodec<AccountActivity> {

    static final CompactSerde<AccountActivity> SERDE =
            new CompactSerde<>(AccountActivity.class, new AccountActivityCodec(), 256);

    @Override
    public void write(Out out, AccountActivity activity) {
        out.writeVarInt(activity.regions().size());
        for (Map.Entry<String, RegionActivity> entry : activity.regions().entrySet()) {
            RegionActivity r = entry.getValue();
            out.writeString(entry.getKey());
            out.writeLong(r.lastArrival).writeLong(r.lastEventTime).writeString(r.lastEventId)
                    .writeString(r.principal).writeString(r.eventName).writeString(r.eventSource)
                    .writeLong(r.bucketStart).writeLong(r.bucketCount).writeLong(r.previousCount)
                    .writeString(r.silenceAlertId).writeLong(r.silenceAlertedAt);
        }
    }

    @Override
    public AccountActivity read(In in) {
        int n = in.readVarInt();
        Map<String, RegionActivity> regions = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String region = in.readString();
            RegionActivity r = new RegionActivity();
            r.lastArrival = in.readLong();
            r.lastEventTime = in.readLong();
            r.lastEventId = in.readString();
            r.principal = in.readString();
            r.eventName = in.readString();
            r.eventSource = in.readString();
            r.bucketStart = in.readLong();
            r.bucketCount = Math.toIntExact(in.readLong());
            r.previousCount = Math.toIntExact(in.readLong());
            r.silenceAlertId = in.readString();
            r.silenceAlertedAt = in.readLong();
            regions.put(region, r);
        }
        return new AccountActivity(regions);
    }
}
