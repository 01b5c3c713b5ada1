package dev.trailwatch.detector.detect.burst;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * The distinct calls ({@code eventSource:eventName}) one principal made within one aligned time bucket, each listed
 * once whatever the order of arrival; the first occurrence's event id is kept for the alert.
 *
 * @param start    bucket start, epoch millis, a multiple of the bucket length
 * @param calls    distinct calls, at most {@link #MAX_CALLS}
 * @param denied   the calls among them that IAM refused at least once
 * @param eventIds one event id per call, in the order of {@code calls}
 * @param first    earliest event time of a listed call
 * @param last     latest event time of a listed call
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record CallBucket(long start, List<String> calls, List<String> denied, List<String> eventIds, long first, long last) {

    /** Enumeration tools make hundreds of distinct calls; the evidence lists this many per bucket. */
    static final int MAX_CALLS = 200;

    CallBucket {
        calls = List.copyOf(calls);
        denied = List.copyOf(denied);
        eventIds = List.copyOf(eventIds);
    }

    static CallBucket empty(long start) {
        return new CallBucket(start, List.of(), List.of(), List.of(), Long.MAX_VALUE, Long.MIN_VALUE);
    }

    /** This bucket with the call in it (and in {@code denied} when refused); itself when nothing changes. */
    CallBucket with(String call, boolean refused, String eventId, long time) {
        boolean known = calls.contains(call);
        boolean newlyDenied = refused && !denied.contains(call);
        if ((known || calls.size() >= MAX_CALLS) && !newlyDenied) {
            return this;
        }
        List<String> allCalls = new ArrayList<>(calls);
        List<String> ids = new ArrayList<>(eventIds);
        if (!known && calls.size() < MAX_CALLS) {
            allCalls.add(call);
            ids.add(eventId);
        }
        List<String> allDenied = new ArrayList<>(denied);
        if (newlyDenied) {
            allDenied.add(call);
        }
        return new CallBucket(start, allCalls, allDenied, ids, Math.min(first, time), Math.max(last, time));
    }
}
