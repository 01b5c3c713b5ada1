package dev.trailwatch.detector.detect;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.deadletter.RejectReason;
import dev.trailwatch.detector.model.Alert;
import dev.trailwatch.detector.model.CloudTrailEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.kstream.KStream;

/**
 * What detections produce, as one value: named alert streams, each written through its own sink; named routes of
 * events given up on (arrived later than a window's grace), each written to the dead-letter topic; and accounts
 * learned from the events (recipients, accounts Organizations created), written to the accounts topic.
 *
 * <p>Streams are never merged here: a detection whose alerts come from different sub-topologies (the input's and a
 * repartition's) keeps one stream per sub-topology, because a merge would join them into one task whose stream time
 * runs ahead on one of its topics and turns the other's events late.
 */
public record Detections(List<AlertStream> alerts, List<LateEvents> late, List<LearnedAccounts> learned) {

    /**
     * @param name     names the sink steps ({@code <name>-write-alerts}, ...)
     * @param measured whether these alerts count toward the detection-latency histogram: false for a detection whose
     *                 alert is, by design, raised long after its last event (a silence)
     */
    public record AlertStream(String name, KStream<String, Alert> alerts, boolean measured) {
    }

    /** Events a detection gave up on, with the reason they carry to the dead-letter topic. */
    public record LateEvents(String name, KStream<String, CloudTrailEvent> events, RejectReason reason) {
    }

    /** Accounts of the organization learned from events, keyed by account id, for the accounts topic. */
    public record LearnedAccounts(String name, KStream<String, AccountInfo> accounts) {
    }

    public Detections {
        alerts = List.copyOf(alerts);
        late = List.copyOf(late);
        learned = List.copyOf(learned);
        Set<String> names = new HashSet<>();
        for (AlertStream stream : alerts) {
            if (!names.add(stream.name())) {
                throw new IllegalArgumentException("alert stream '" + stream.name() + "' produced twice");
            }
        }
    }

    /** One alert stream, measured for latency, and nothing given up. */
    public static Detections of(String name, KStream<String, Alert> alerts) {
        return new Detections(List.of(new AlertStream(name, alerts, true)), List.of(), List.of());
    }

    /** One alert stream that is not measured for latency (see {@link AlertStream#measured()}). */
    public static Detections unmeasured(String name, KStream<String, Alert> alerts) {
        return new Detections(List.of(new AlertStream(name, alerts, false)), List.of(), List.of());
    }

    /** One windowed stage's alerts and its late events, dead-lettered as {@code <name>-late}. */
    public static Detections windowed(String name, KStream<String, Alert> alerts,
                                      KStream<String, CloudTrailEvent> late) {
        return new Detections(List.of(new AlertStream(name, alerts, true)),
                List.of(new LateEvents(name + "-late", late, RejectReason.LATE)), List.of());
    }

    /** These detections, and accounts they learned, written to the accounts topic as {@code <name>-write-accounts}. */
    public Detections learning(String name, KStream<String, AccountInfo> accounts) {
        List<LearnedAccounts> all = new ArrayList<>(learned);
        all.add(new LearnedAccounts(name, accounts));
        return new Detections(alerts, late, all);
    }

    /** Everything several detections produce, in order. */
    public static Detections all(Detections... parts) {
        List<AlertStream> alerts = new ArrayList<>();
        List<LateEvents> late = new ArrayList<>();
        List<LearnedAccounts> learned = new ArrayList<>();
        for (Detections part : parts) {
            alerts.addAll(part.alerts());
            late.addAll(part.late());
            learned.addAll(part.learned());
        }
        return new Detections(alerts, late, learned);
    }
}
