package dev.trailwatch.detector.detect.burst;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.TestEvents;
import dev.trailwatch.detector.config.DetectorConfig;
import dev.trailwatch.detector.detect.kit.DetectionKit;
import dev.trailwatch.detector.detect.kit.FlushSignal;
import dev.trailwatch.detector.detect.kit.SeverityFilter;
import dev.trailwatch.detector.metrics.TrailWatchMetrics;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import dev.trailwatch.detector.model.Severity;
import dev.trailwatch.detector.parse.CloudTrailParser;
import dev.trailwatch.detector.parse.ParseResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * A harvest window open when the detector is upgraded: the stores below are what the version before events of
 * several tokens (main at bf6a089, which counted a GetParameters call by its first name) wrote for three
 * GetParameters calls of four names each, byte for byte (its counter run on these calls and its stores dumped after
 * the commit). This version loads them, does not count those calls again when they are delivered again, and counts
 * every name of the calls that follow.
 */
class CredentialHarvestingBurstUpgradeTest {

    private static final CloudTrailParser PARSER = new CloudTrailParser();
    private static final String KEY = "111122223333|arn:aws:iam::111122223333:user/mallory";

    /** The journal entry main's counter committed (state store) and its expiry index entries. */
    private static final String MAIN_STATE_KEY = "#0000000000000000000";
    private static final String MAIN_STATE = ""
            + "0201016a3131313132323232333333337c61726e3a6177733a69616d3a3a3131313132323232333333333a757365722f"
            + "6d616c6c6f7279c0c1e787bf680180b4b086bf68060380b4b086bf68020c0ffee000004000800000000000000000d0c3"
            + "b086bf68020c0ffee000004000800000000000000100a0d3b086bf68020c0ffee0000040008000000000000002000380"
            + "b4b086bf68033c706172616d657465723a2f70726f642f6170702f7365637265742d30d0c3b086bf68053c706172616d"
            + "657465723a2f70726f642f6170702f7365637265742d34a0d3b086bf68073c706172616d657465723a2f70726f642f61"
            + "70702f7365637265742d3880b4b086bf68a0d3b086bf68011c3131313132323232333333331675732d656173742d3150"
            + "61726e3a6177733a69616d3a3a3131313132323232333333333a757365722f6d616c6c6f72791c3230332e302e313133"
            + "2e3530666177732d636c692f322e31352e3020507974686f6e2f332e31312e36204c696e75782f362e35206578652f78"
            + "38365f36341e476574506172616d65746572732673736d2e616d617a6f6e6177732e636f6d0000000000";
    private static final Map<String, String> MAIN_EXPIRY = Map.of("~origin|0", "1795168802000");

    /** The calls main counted: {@code /prod/app/secret-0..11}, four a call, one second apart. */
    static TestEvents call(int call, int firstName, int names) {
        TestEvents e = TestEvents.event("ssm.amazonaws.com", "GetParameters",
                Instant.parse("2026-11-20T10:00:00Z").plusSeconds(call)).user("mallory").sourceIp("203.0.113.50")
                .eventId("0c0ffee0-0000-4000-8000-00000000000" + call);
        e.json().put("requestID", "1d0e0000-0000-4000-8000-00000000000" + call);
        var request = e.json().with("requestParameters");
        var list = request.putArray("names");
        for (int n = 0; n < names; n++) {
            list.add("/prod/app/secret-" + (firstName + n));
        }
        request.put("withDecryption", true);
        return e;
    }

    @Test
    void aWindowMainStoredCountsTheNamesOfLaterCallsAndNotItsOwnCallsTwice() {
        MockProcessorContext<String, BurstOutcome> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_800_000_000_000L);
        context.setCurrentStreamTimeMs(0);
        TrailWatchMetrics metrics = new TrailWatchMetrics(new SimpleMeterRegistry());
        DetectionKit kit = new DetectionKit(new SeverityFilter(Severity.LOW, metrics), metrics, FlushSignal.never());
        BurstSpec spec = new CredentialHarvestingBurstDetector(DetectorConfig.defaults(), kit).spec();
        MockBurstStores.add(context, spec.name());
        BurstStores stores = BurstStores.named(spec.name());
        KeyValueStore<String, byte[]> state = context.getStateStore(stores.state());
        state.put(MAIN_STATE_KEY, HexFormat.of().parseHex(MAIN_STATE));
        KeyValueStore<String, String> expiry = context.getStateStore(stores.expiry());
        MAIN_EXPIRY.forEach(expiry::put);
        BurstCounter counter = new BurstCounter(spec, kit);
        counter.init(context);

        // Main's three calls delivered again after the restart (CloudTrail and a replay both do): counted once.
        for (int call = 0; call < 3; call++) {
            feed(context, counter, call(call, 4 * call, 4));
        }
        assertThat(context.forwarded()).isEmpty();
        // Main counted three resources (each call's first name); six new names in a fourth call make nine: quiet.
        feed(context, counter, call(3, 100, 6));
        assertThat(context.forwarded()).isEmpty();
        // The tenth and eleventh distinct resources, in a fifth call.
        feed(context, counter, call(4, 200, 2));

        assertThat(context.forwarded()).singleElement().satisfies(forwarded -> {
            Alert alert = ((BurstOutcome.Fired) forwarded.record().value()).alert();
            assertThat(alert.eventCount()).isEqualTo(5);
            assertThat(alert.evidence()).containsEntry("distinctResources", 11);
            assertThat(alert.evidence().get("resources")).asList().containsExactly("parameter:/prod/app/secret-0",
                    "parameter:/prod/app/secret-4", "parameter:/prod/app/secret-8", "parameter:/prod/app/secret-100",
                    "parameter:/prod/app/secret-101", "parameter:/prod/app/secret-102",
                    "parameter:/prod/app/secret-103", "parameter:/prod/app/secret-104",
                    "parameter:/prod/app/secret-105", "parameter:/prod/app/secret-200",
                    "parameter:/prod/app/secret-201");
            assertThat(alert.principal()).isEqualTo(KEY.substring(KEY.indexOf('|') + 1));
        });
    }

    private static void feed(MockProcessorContext<String, BurstOutcome> context, BurstCounter counter,
                             TestEvents event) {
        CloudTrailEvent parsed = ((ParseResult.Parsed) PARSER.parse(event.bytes())).event();
        Record<String, CloudTrailEvent> record = new Record<>(parsed.recipientAccountId(), parsed, parsed.eventTime());
        record.headers().add(OriginStamp.HEADER, "0".getBytes(StandardCharsets.UTF_8));
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), record.timestamp()));
        counter.process(record);
    }
}
