package dev.trailwatch.ingest.cli;

import dev.trailwatch.ingest.source.IngestSource;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.trailwatch.ingest.launch.KafkaCheckFailed;
import dev.trailwatch.ingest.launch.KafkaReach;
import dev.trailwatch.ingest.launch.StopSignals;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What the subcommands share: open a producer, run the source into it, flush, and print a summary line to stderr. */
abstract class IngestCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    /** Checks the input and builds the source; throws {@link BadInput} for anything the user must fix. */
    abstract IngestSource source() throws Exception;

    @Override
    public final Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        IngestSource source;
        try {
            source = source();
        } catch (BadInput e) {
            err.println("trailwatch-ingest: " + e.getMessage());
            return IngestCli.BAD_INPUT;
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            stopped.set(true);
            source.stop();
        };
        try (source; StopSignals.Registration signals = StopSignals.onStop(stop)) {
            if (!signals.handled()) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop));
            }
            Map<String, Object> settings;
            try {
                settings = checkedProducerSettings();
            } catch (BadInput e) {
                err.println("trailwatch-ingest: " + e.getMessage());
                return IngestCli.BAD_INPUT;
            } catch (KafkaCheckFailed e) {
                err.println("trailwatch-ingest: " + e.getMessage());
                return stopped.get() ? 0 : e.exitCode(); // stopped while connecting: nothing was done
            }
            return produce(source, settings, err);
        }
    }

    /** The producer settings, once Kafka has answered with them (before any record is read). */
    private Map<String, Object> checkedProducerSettings() throws BadInput {
        Map<String, Object> settings = kafka.producerSettings();
        KafkaReach.check(settings, kafka.bootstrapSource(), KafkaReach.DEFAULT_TIMEOUT);
        return settings;
    }

    private int produce(IngestSource source, Map<String, Object> settings, PrintWriter err) {
        long start = System.nanoTime();
        try (Producer<String, byte[]> producer = new KafkaProducer<>(settings)) {
            ProducerEmitter out = new ProducerEmitter(producer, TopicTimeLimits.of(settings, kafka.topic),
                    kafka.deadLetterTopic);
            int code = runInto(source, out, producer, err);
            double secs = (System.nanoTime() - start) / 1e9;
            String deadLetters = kafka.deadLetterTopic == null ? ""
                    : String.format(Locale.ROOT, " (%d of them to %s)", out.deadLettered(), kafka.deadLetterTopic);
            err.printf(Locale.ROOT, "trailwatch-ingest: %d records to %s, %d rejected%s, in %.1f s (%.0f records/s)%n",
                    out.acked(), kafka.topic, out.rejectedCount(), deadLetters, secs,
                    out.acked() / Math.max(secs, 1e-3));
            err.flush();
            return code;
        }
    }

    private static int runInto(IngestSource source, ProducerEmitter out, Producer<String, byte[]> producer,
                               PrintWriter err) {
        try {
            source.run(out);
            producer.flush();
        } catch (KafkaException e) {
            err.println("trailwatch-ingest: Kafka: " + e.getMessage());
            return IngestCli.FAILED;
        } catch (Exception e) {
            producer.flush();
            err.println("trailwatch-ingest: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return IngestCli.FAILED;
        }
        if (out.sendFailure() != null) {
            err.println("trailwatch-ingest: Kafka send failed: " + out.sendFailure().getMessage());
            return IngestCli.FAILED;
        }
        return 0;
    }

    /** Input the user has to fix: reported in one line, exit code 2. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }
}
