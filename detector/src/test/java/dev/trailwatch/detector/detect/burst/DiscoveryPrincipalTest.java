package dev.trailwatch.detector.detect.burst;

import static dev.trailwatch.detector.detect.burst.BurstEvents.atSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The task's compact buckets (call numbers in small arrays) must hold exactly what {@link CallBucket} holds for the
 * same events, whatever their order: alerts are made from them.
 */
class DiscoveryPrincipalTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final String[] SOURCES = {"iam.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com",
        "sts.amazonaws.com"};

    private static CloudTrailEvent call(String source, String name, long second, String eventId, boolean denied) {
        TestEvents e = TestEvents.event(source, name, atSeconds(second)).user("mallory").eventId(eventId);
        if (denied) {
            e.error("AccessDenied", "not authorized");
        }
        return ((ParseResult.Parsed) PARSER.parse(e.bytes())).event();
    }

    private static EventId id(String text) {
        return new EventId().of(text);
    }

    @Test
    void holdsWhatACallBucketHoldsAndReportsTheSameChanges() {
        Random random = new Random(11);
        for (int run = 0; run < 120; run++) {
            DiscoveryCalls names = new DiscoveryCalls();
            DiscoveryPrincipal.Bucket compact = new DiscoveryPrincipal.Bucket();
            DiscoveryPrincipal.Bucket replayed = new DiscoveryPrincipal.Bucket();
            CallBucket reference = CallBucket.EMPTY;
            // small buckets, and ones far past the cap; whole-second times so that ties go to the event id
            int distinct = run % 3 == 0 ? CallBucket.MAX_CALLS + 60 : 3 + random.nextInt(12);
            int events = run % 3 == 0 ? 3 * distinct : 40;
            for (int i = 0; i < events; i++) {
                // event ids are unique (CloudTrail's are); both shapes, in an order unrelated to arrival
                String id = random.nextBoolean() ? UUID.randomUUID().toString()
                        : "e-" + random.nextInt(1_000) + "-" + i;
                CloudTrailEvent event = call(SOURCES[random.nextInt(SOURCES.length)], "List" + random.nextInt(distinct),
                        random.nextInt(300), id, random.nextInt(5) == 0);
                boolean probe = DiscoveryBurstDetector.isProbe(event);
                CallBucket after = reference.with(event, probe);
                int changed = compact.with(names.id(event.eventSource(), event.eventName()), event.eventTime(),
                        new EventId().of(event.eventId()), probe);
                if (after == reference) {
                    assertThat(changed).as("run %d event %d changes nothing", run, i).isEqualTo(-1);
                    continue;
                }
                assertThat(changed).as("run %d event %d", run, i).isNotNegative();
                CallBucket.Call change = compact.call(changed, names);
                assertThat(change).isEqualTo(after.call(event.eventSource(), event.eventName()));
                replayed.set(compact.id(changed), change.time(), new EventId().of(change.eventId()),
                        change.denied());
                reference = after;
                assertThat(DiscoveryPrincipal.bucket(compact, names)).as("run %d event %d", run, i)
                        .isEqualTo(reference);
            }
            assertThat(DiscoveryPrincipal.bucket(replayed, names)).as("run %d replayed", run).isEqualTo(reference);
        }
    }

    @Test
    void aBucketStoredWholeIsReadAsItWas() {
        List<CallBucket.Call> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(new CallBucket.Call(SOURCES[i % 4], "Get" + i, i % 5 == 0, 1_000L * (12 - i), "id-" + i));
        }
        calls.sort(CallBucket.Call.OCCURRENCE);
        CallBucket stored = new CallBucket(calls);
        DiscoveryCalls names = new DiscoveryCalls();
        DiscoveryPrincipal.Bucket bucket = new DiscoveryPrincipal.Bucket();
        bucket.set(names.id("x.amazonaws.com", "ListX"), 5, id("stale"), false);
        bucket.setAll(stored, names);
        assertThat(DiscoveryPrincipal.bucket(bucket, names)).isEqualTo(stored);
    }

    @Test
    void aNewDictionaryRenumbersTheCallsHeldAndTheBucketsReadTheSame() {
        DiscoveryCalls old = new DiscoveryCalls();
        for (int i = 0; i < 1_000; i++) {
            old.id("junk.amazonaws.com", "GetNothing" + i);
        }
        DiscoveryPrincipal principal = new DiscoveryPrincipal("111122223333", "arn:aws:iam::111122223333:user/a");
        principal.open(0).set(old.id(SOURCES[0], "ListRoles"), 10, id("a"), false);
        principal.at(0).set(old.id(SOURCES[1], "ListBuckets"), 5, id("b"), true);
        principal.open(300_000).set(old.id(SOURCES[0], "ListRoles"), 300_010, id("c"), false);
        CallBucket first = DiscoveryPrincipal.bucket(principal.at(0), old);
        CallBucket second = DiscoveryPrincipal.bucket(principal.at(300_000), old);
        DiscoveryCalls fresh = new DiscoveryCalls();
        principal.renumber(old, fresh);
        assertThat(fresh.size()).isEqualTo(2);
        assertThat(DiscoveryPrincipal.bucket(principal.at(0), fresh)).isEqualTo(first);
        assertThat(DiscoveryPrincipal.bucket(principal.at(300_000), fresh)).isEqualTo(second);
    }

    @Test
    void principalsForgetTheBucketsNoOpenPairHolds() {
        DiscoveryPrincipal principal = new DiscoveryPrincipal("111122223333", "arn:aws:iam::111122223333:user/a");
        principal.open(0).set(1, 10, id("a"), false);
        principal.open(300_000).set(1, 300_010, id("b"), false);
        assertThat(principal.forgetBefore(300_000)).isFalse();
        assertThat(principal.at(0)).isNull();
        assertThat(principal.at(300_000).size).isEqualTo(1);
        assertThat(principal.forgetBefore(600_000)).isTrue();
        assertThat(principal.at(300_000)).isNull();
        principal.open(600_000).set(2, 600_010, id("c"), true);
        assertThat(principal.at(600_000).indexOf(2)).isZero();
        assertThat(principal.at(300_000)).isNull();
        assertThat(principal.entity()).isEqualTo("111122223333|arn:aws:iam::111122223333:user/a");
    }

    @Test
    void aBucketDroppedLeavesItsSlotAndObjectForTheNextStartEmpty() {
        DiscoveryPrincipal principal = new DiscoveryPrincipal("111122223333", "arn:aws:iam::111122223333:user/a");
        DiscoveryPrincipal.Bucket first = principal.open(0);
        first.set(1, 10, id("not-a-uuid"), true);
        first.set(2, 20, id("f47ac10b-58cc-4372-a567-0e02b2c3d479"), false);
        principal.open(300_000).set(3, 300_010, id("b"), false);
        assertThat(principal.forgetBefore(300_000)).isFalse();

        DiscoveryPrincipal.Bucket reused = principal.open(600_000);
        assertThat(reused).as("the dropped bucket's object is reused, not a new one").isSameAs(first);
        assertThat(reused.size).isZero();
        reused.set(4, 600_010, id("00000000-0000-0000-0000-000000000001"), false);
        assertThat(principal.at(0)).isNull();
        assertThat(principal.at(300_000).indexOf(3)).isZero();
        assertThat(principal.at(600_000).indexOf(4)).isZero();
        assertThat(principal.at(600_000).indexOf(1)).isEqualTo(-1);
    }

    @Test
    void bucketsOpenedAndDroppedInAnyOrderAreFoundAtTheirStartsOnly() {
        Random random = new Random(23);
        DiscoveryPrincipal principal = new DiscoveryPrincipal("111122223333", "arn:aws:iam::111122223333:user/a");
        java.util.TreeMap<Long, Integer> model = new java.util.TreeMap<>();
        long oldest = 0;
        for (int step = 0; step < 5_000; step++) {
            if (random.nextInt(10) == 0) {
                oldest += 300_000L * random.nextInt(3);
                model.headMap(oldest).clear();
                assertThat(principal.forgetBefore(oldest)).isEqualTo(model.isEmpty());
            }
            long start = oldest + 300_000L * random.nextInt(6);
            int call = random.nextInt(50);
            DiscoveryPrincipal.Bucket bucket = principal.at(start);
            assertThat(bucket == null).isEqualTo(!model.containsKey(start));
            if (bucket == null) {
                bucket = principal.open(start);
                model.put(start, 0);
            }
            if (bucket.indexOf(call) < 0) {
                model.merge(start, 1, Integer::sum);
            }
            bucket.set(call, start + step, id(Integer.toString(step)), false);
            for (var expected : model.entrySet()) {
                assertThat(principal.at(expected.getKey()).size).isEqualTo(expected.getValue());
            }
            assertThat(principal.at(oldest - 300_000)).isNull();
        }
    }

    /**
     * Ids around the sign bits of both halves (a signed comparison orders 8000... before 7fff...), ids that are not
     * lowercase UUIDs (upper case, one digit short, other text) between and around them.
     */
    private static final String[] IDS = {"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-7fff-ffffffffffff",
        "00000000-0000-0000-8000-000000000000", "00000000-0000-0000-ffff-ffffffffffff",
        "0a1b2c3d-0000-4000-8000-ffffffffffff", "7fffffff-ffff-ffff-ffff-ffffffffffff",
        "80000000-0000-0000-0000-000000000000", "80000000-0000-0000-8000-000000000000",
        "f47ac10b-58cc-4372-a567-0e02b2c3d479", "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "F47AC10B-58CC-4372-A567-0E02B2C3D479", "f47ac10b-58cc-4372-a567-0e02b2c3d47", "e-1", "", "8", "80000000",
        "ffffffff-ffff-ffff-ffff-fffffffffffg"};

    @Test
    void ofTwoOccurrencesAtTheSameTimeTheOneWhoseIdSortsFirstAsAStringIsKept() {
        int call = 7;
        for (String a : IDS) {
            for (String b : IDS) {
                if (a.equals(b)) {
                    continue;
                }
                DiscoveryPrincipal.Bucket bucket = new DiscoveryPrincipal.Bucket();
                assertThat(bucket.with(call, 1_000, id(a), false)).isZero();
                int changed = bucket.with(call, 1_000, id(b), false);
                String first = a.compareTo(b) < 0 ? a : b;
                assertThat(changed).as("%s then %s", a, b).isEqualTo(first.equals(a) ? -1 : 0);
                assertThat(bucket.eventId(0)).as("%s then %s", a, b).isEqualTo(first);
            }
        }
    }

    @Test
    void pastTheCapTheCallsKeptAreThoseWhoseIdsSortFirstAmongSameTimeOccurrences() {
        // every call at the same second: which are kept past the cap is decided by the event ids alone
        Random random = new Random(5);
        for (int run = 0; run < 20; run++) {
            DiscoveryCalls names = new DiscoveryCalls();
            DiscoveryPrincipal.Bucket compact = new DiscoveryPrincipal.Bucket();
            CallBucket reference = CallBucket.EMPTY;
            for (int i = 0; i < CallBucket.MAX_CALLS + 100; i++) {
                String base = IDS[random.nextInt(IDS.length)];
                // a distinct id near one of the boundary ids: its last characters (or, for short ones, a suffix)
                String id = base.length() == 36 ? base.substring(0, 33) + String.format("%03x", i) : base + "-" + i;
                CloudTrailEvent event = call(SOURCES[i % SOURCES.length], "List" + i, 10, id, false);
                reference = reference.with(event, false);
                compact.with(names.id(event.eventSource(), event.eventName()), event.eventTime(),
                        id(event.eventId()), false);
            }
            assertThat(DiscoveryPrincipal.bucket(compact, names)).as("run %d", run).isEqualTo(reference);
        }
    }
}
