package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One principal's distinct calls in one bucket: a function of the events, stored compactly. */
class CallBucketTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();

    private static CloudTrailEvent call(String source, String name, long second, String eventId, boolean denied) {
        TestEvents e = TestEvents.event(source, name, atSeconds(second)).user("mallory").eventId(eventId);
        if (denied) {
            e.error("AccessDenied", "not authorized");
        }
        return ((ParseResult.Parsed) PARSER.parse(e.bytes())).event();
    }

    private static CallBucket fold(List<CloudTrailEvent> events) {
        CallBucket bucket = CallBucket.EMPTY;
        for (CloudTrailEvent e : events) {
            bucket = bucket.with(e, DiscoveryBurstDetector.isProbe(e));
        }
        return bucket;
    }

    private static List<CloudTrailEvent> sweep() {
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String source = "svc" + (i % 5) + ".amazonaws.com";
            // each call three times: same second (ids decide), later, and one denied repeat
            events.add(call(source, "List" + i, 10 + i, "id-" + i + "-b", false));
            events.add(call(source, "List" + i, 10 + i, "id-" + i + "-a", false));
            events.add(call(source, "List" + i, 100 + i, "id-" + i + "-c", i % 4 == 0));
        }
        return events;
    }

    @Test
    void holdsTheSameCallsOccurrencesAndDenialsWhateverTheOrder() {
        List<CloudTrailEvent> events = sweep();
        CallBucket reference = fold(events);
        assertThat(reference.calls()).hasSize(12);
        assertThat(reference.calls().get(0).eventId()).isEqualTo("id-0-a");
        assertThat(reference.calls().stream().filter(CallBucket.Call::denied)).hasSize(3);
        for (long seed = 1; seed <= 5; seed++) {
            List<CloudTrailEvent> order = new ArrayList<>(events);
            Collections.shuffle(order, new Random(seed));
            assertThat(fold(order)).isEqualTo(reference);
        }
    }

    @Test
    void aRepeatThatChangesNothingReturnsTheSameBucketSoNothingIsWritten() {
        CallBucket bucket = fold(sweep());

        assertThat(bucket.with(call("svc1.amazonaws.com", "List1", 500, "id-late", false), false)).isSameAs(bucket);
        assertThat(bucket.with(call("svc1.amazonaws.com", "List1", 1, "id-earlier", false), false))
                .isNotSameAs(bucket);
    }

    @Test
    void keepsTheEarliestCallsWhenMoreThanItsCapComeInAnyOrder() {
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < CallBucket.MAX_CALLS + 30; i++) {
            events.add(call("ec2.amazonaws.com", "Describe" + i, i, "id-" + i, false));
        }
        Collections.shuffle(events, new Random(7));

        CallBucket bucket = fold(events);
        assertThat(bucket.calls()).hasSize(CallBucket.MAX_CALLS);
        assertThat(bucket.calls().get(CallBucket.MAX_CALLS - 1).name()).isEqualTo("Describe" + (CallBucket.MAX_CALLS - 1));
    }

    @Test
    void roundTripsThroughItsCompactForm() {
        CallBucket bucket = fold(sweep()).with(call("s3.amazonaws.com", "GetBucketAcl\u00e9", 3, "\u00fcid", true),
                true);

        byte[] bytes = CallBucket.SERDE.serializer().serialize("t", bucket);
        assertThat(CallBucket.SERDE.deserializer().deserialize("t", bytes)).isEqualTo(bucket);
        assertThat(bytes.length).isLessThan(13 * 80);
    }
}
