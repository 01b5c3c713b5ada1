package dev.trailwatch.detector.detect.burst;

import dev.trailwatch.detector.model.CloudTrailEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The distinct calls ({@code eventSource} + {@code eventName}) one principal made within one aligned time bucket, each
 * once, with its earliest occurrence by (event time, event id) and whether IAM refused it at least once. What it holds
 * is a function of the events, never of their order: a repeat changes it only when it is earlier than the occurrence
 * kept, or the call's first denial; and when more than {@link #MAX_CALLS} distinct calls come, the ones kept are those
 * that occurred first.
 *
 * <p>Kept on the heap by {@link DiscoveryCounter}; what is stored are its changes ({@link CallJournal}). The compact
 * binary form ({@link #SERDE}) is how buckets were stored before the journal, and is still read.
 *
 * @param calls sorted by occurrence (time, event id)
 */
record CallBucket(List<Call> calls) {

    /** Enumeration tools make hundreds of distinct calls; the bucket keeps this many, the earliest. */
    static final int MAX_CALLS = 200;

    static final CallBucket EMPTY = new CallBucket(List.of());

    static final Serde<CallBucket> SERDE = Serdes.serdeFrom((topic, bucket) -> bucket == null ? null : bucket.bytes(),
            (topic, bytes) -> bytes == null ? null : read(bytes));

    private static final int MAX_NAMES = 20_000;
    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();
    private static final byte DENIED = 1;
    private static final int VERSION = 1;

    /**
     * One distinct call and its earliest occurrence.
     *
     * @param denied whether any occurrence was refused to a program ({@link DiscoveryBurstDetector#isProbe})
     */
    record Call(String source, String name, boolean denied, long time, String eventId) {

        static final Comparator<Call> OCCURRENCE = Comparator.comparingLong(Call::time).thenComparing(Call::eventId);

        boolean is(String callSource, String callName) {
            return name.equals(callName) && source.equals(callSource);
        }

        /** {@code eventSource:eventName}, as the alert lists it. */
        String label() {
            return source + ':' + name;
        }
    }

    CallBucket {
        calls = List.copyOf(calls);
    }

    int size() {
        return calls.size();
    }

    boolean isEmpty() {
        return calls.isEmpty();
    }

    boolean contains(Call call) {
        for (Call c : calls) {
            if (c.is(call.source(), call.name())) {
                return true;
            }
        }
        return false;
    }

    /** This bucket with the event's call in it; itself (the same instance) when that changes nothing. */
    CallBucket with(CloudTrailEvent event, boolean probe) {
        String source = event.eventSource();
        String name = event.eventName();
        for (int i = 0; i < calls.size(); i++) {
            Call known = calls.get(i);
            if (known.is(source, name)) {
                boolean earlier = event.eventTime() < known.time()
                        || event.eventTime() == known.time() && event.eventId().compareTo(known.eventId()) < 0;
                if (!earlier && (known.denied() || !probe)) {
                    return this;
                }
                List<Call> all = new ArrayList<>(calls);
                all.set(i, earlier ? new Call(source, name, known.denied() || probe, event.eventTime(), event.eventId())
                        : new Call(source, name, true, known.time(), known.eventId()));
                return new CallBucket(sorted(all));
            }
        }
        // API names repeat across principals and buckets: one copy of each, not one per principal held in memory
        return joined(new Call(canonical(source), canonical(name), probe, event.eventTime(), event.eventId()));
    }

    /** The call as this bucket holds it, or null. */
    Call call(String source, String name) {
        for (Call c : calls) {
            if (c.is(source, name)) {
                return c;
            }
        }
        return null;
    }

    /**
     * This bucket with a change {@link #with} made, as {@link CallJournal} replays it: the call replaces the one of
     * the same API, or joins the calls (the latest dropped past {@link #MAX_CALLS}); itself when that changes nothing.
     * Applied in the order they were made, the changes give back the bucket they were made to.
     */
    CallBucket withCall(Call change) {
        for (int i = 0; i < calls.size(); i++) {
            Call known = calls.get(i);
            if (known.is(change.source(), change.name())) {
                if (known.equals(change)) {
                    return this;
                }
                List<Call> all = new ArrayList<>(calls);
                all.set(i, change);
                return new CallBucket(sorted(all));
            }
        }
        return joined(change);
    }

    /** This bucket with a call of an API it does not hold yet: in occurrence order, the latest dropped past the cap. */
    private CallBucket joined(Call added) {
        if (calls.size() >= MAX_CALLS && Call.OCCURRENCE.compare(added, calls.get(calls.size() - 1)) > 0) {
            return this;
        }
        List<Call> all = new ArrayList<>(calls.size() + 1);
        all.addAll(calls);
        all.add(added);
        all = sorted(all);
        return new CallBucket(all.size() > MAX_CALLS ? all.subList(0, MAX_CALLS) : all);
    }

    /**
     * One shared copy of an event source or API name (a few thousand exist). Cheaper than {@link String#intern()},
     * which was 1.4% of the stream thread when most reads were new calls; bounded, so that names no API has (input
     * that is not CloudTrail's) cannot grow it without end: past the bound a name is kept as it came.
     */
    static String canonical(String s) {
        String known = NAMES.get(s);
        if (known != null) {
            return known;
        }
        if (NAMES.size() >= MAX_NAMES) {
            return s;
        }
        known = NAMES.putIfAbsent(s, s);
        return known == null ? s : known;
    }

    private static List<Call> sorted(List<Call> all) {
        all.sort(Call.OCCURRENCE);
        return all;
    }

    byte[] bytes() {
        List<byte[]> strings = new ArrayList<>(calls.size() * 3);
        int size = 2 + 2;
        for (Call c : calls) {
            for (String s : new String[] {c.source(), c.name(), c.eventId()}) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                strings.add(utf8);
                size += 4 + utf8.length;
            }
            size += 1 + 8;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putShort((short) VERSION).putShort((short) calls.size());
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            for (int s = 0; s < 3; s++) {
                byte[] utf8 = strings.get(3 * i + s);
                out.putInt(utf8.length).put(utf8);
            }
            out.put(c.denied() ? DENIED : 0).putLong(c.time());
        }
        return out.array();
    }

    static CallBucket read(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int version = in.getShort();
        if (version != VERSION) {
            throw new SerializationException("discovery call bucket of unknown version " + version);
        }
        int n = in.getShort();
        List<Call> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String source = canonical(string(in));
            String name = canonical(string(in));
            String eventId = string(in);
            boolean denied = in.get() == DENIED;
            calls.add(new Call(source, name, denied, in.getLong(), eventId));
        }
        return new CallBucket(calls);
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }
}
