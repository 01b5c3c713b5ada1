package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trailwatch.ingest.reader.CloudTrailFileReader;
import dev.trailwatch.ingest.reader.CloudTrailRecord;
import dev.trailwatch.ingest.reader.RecordSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading objects on several threads hands their records to scan exactly as one reader would. */
class ReadAheadTest {

    @Test
    void deliversEveryObjectsRecordsAndRejectionsInInputOrderWhateverTheThreadCount() throws Exception {
        List<TrailObject> objects = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // objects of very different sizes, so that later ones finish first on the workers
            objects.add(object("f" + i, i % 7 == 0 ? 2_000 : i % 5, i % 11 == 3));
        }
        List<String> oneThread = readAll(objects, 1);
        List<String> fourThreads = readAll(objects, 4);
        assertThat(fourThreads).isEqualTo(oneThread);
        assertThat(oneThread).contains("f7#1999").startsWith("f0#0", "f0#1");
        int rejection = oneThread.indexOf(oneThread.stream().filter(s -> s.startsWith("REJ f3#")).findFirst()
                .orElseThrow());
        assertThat(rejection).as("a rejection stays in its place among its file's records")
                .isEqualTo(oneThread.indexOf("f3#2") + 1);
    }

    @Test
    void manyObjectsAheadOfTwoThreadsStillComeBackInInputOrderAndTheCallersWorkRunsWhileItWaits() throws Exception {
        List<TrailObject> objects = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            objects.add(object("f" + i, i % 9 == 0 ? 3_000 : 1 + i % 4, i % 13 == 5));
        }
        List<String> oneAtATime = readAll(objects, 1);
        List<String> seen = new ArrayList<>();
        int[] whileWaiting = {0};
        RecordSink sink = collecting(seen);
        try (ReadAhead ahead = new ReadAhead(new CloudTrailFileReader(), null, objects.iterator(), 2, 16, 1 << 20)) {
            while (ahead.hasNext()) {
                ahead.next().drainTo(sink, () -> whileWaiting[0]++ % 2 == 0); // some work, then none: it waits
            }
        }
        assertThat(seen).isEqualTo(oneAtATime);
        assertThat(whileWaiting[0]).as("asked for other work while a file was still being read").isPositive();
    }

    @Test
    void manyObjectsInFlightWithAChunkQueuedEachStillComeBackInInputOrder() throws Exception {
        // 48 in flight (twice what scan --s3-concurrency allows) queue one chunk of records each: large objects
        // wait on their queue while the caller reads an earlier one, and nothing is lost or reordered
        assertThat(ReadAhead.chunksPerObject(8)).isEqualTo(8);
        assertThat(ReadAhead.chunksPerObject(21)).isEqualTo(3);
        assertThat(ReadAhead.chunksPerObject(24)).isEqualTo(2);
        assertThat(ReadAhead.chunksPerObject(48)).isEqualTo(1);
        List<TrailObject> objects = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            objects.add(object("f" + i, i % 6 == 0 ? 1_500 : 1 + i % 90, i % 17 == 4));
        }
        assertThat(readAll(objects, 48)).isEqualTo(readAll(objects, 1));
    }

    @Test
    void aStreamThatFailsMidwayKeepsItsCompleteRecordsAndIsReportedThenTheNextObjectFollows() throws Exception {
        byte[] good = lines("broken", 3).getBytes(StandardCharsets.UTF_8);
        TrailObject broken = TrailObject.of("broken", "broken", "file", good.length, () -> new SequenceInputStream(
                new ByteArrayInputStream(good), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("disk gone");
                    }
                }));
        List<String> seen = readAll(List.of(broken, object("after", 2, false)), 2);
        assertThat(seen).containsExactly("broken#0", "broken#1", "broken#2", "REJ broken: cannot read: disk gone",
                "after#0", "after#1");
    }

    @Test
    void aFailureOfTheCallersSinkStopsTheReadingAndLeavesNoWorkerBehind() {
        List<TrailObject> objects = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            objects.add(object("f" + i, 5_000, false));
        }
        ReadAhead ahead = new ReadAhead(new CloudTrailFileReader(), null, objects.iterator(), 3);
        assertThatThrownBy(() -> {
            try (ahead) {
                ahead.next().drainTo(new RecordSink() {
                    @Override
                    public void record(CloudTrailRecord record) {
                        throw new IllegalStateException("spill disk full");
                    }

                    @Override
                    public void rejected(String where, String reason) {
                    }
                });
            }
        }).hasMessage("spill disk full");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet()
                .stream().filter(t -> t.getName().startsWith("trailwatch-scan-reader") && t.isAlive())).isEmpty());
    }

    /** A sink that lists each record's location and each rejection, in the order they come. */
    private static RecordSink collecting(List<String> seen) {
        return new RecordSink() {
            @Override
            public void record(CloudTrailRecord record) {
                seen.add(record.location());
            }

            @Override
            public void rejected(String where, String reason) {
                seen.add("REJ " + where + ": " + reason);
            }
        };
    }

    private static List<String> readAll(List<TrailObject> objects, int threads) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        RecordSink sink = collecting(seen);
        try (ReadAhead ahead = new ReadAhead(new CloudTrailFileReader(), null, objects.iterator(), threads)) {
            while (ahead.hasNext()) {
                ReadAhead.Reading reading = ahead.next();
                long before = seen.stream().filter(s -> s.startsWith(reading.object().name() + "#")).count();
                long records = reading.drainTo(sink);
                assertThat(seen.stream().filter(s -> s.startsWith(reading.object().name() + "#")).count() - before)
                        .isEqualTo(records);
            }
        }
        return seen;
    }

    /** A JSON-lines file of {@code n} records; with {@code bad}, its fourth line is not JSON. */
    private static TrailObject object(String name, int n, boolean bad) {
        String text = lines(name, n);
        if (bad) {
            text = lines(name, 3) + "{not json\n" + lines(name, n).lines().skip(3)
                    .map(l -> l + "\n").reduce("", String::concat);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return TrailObject.of(name, name, "file", bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    private static String lines(String name, int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("{\"eventID\":\"").append(name).append('-').append(i)
                    .append("\",\"eventTime\":\"2026-11-01T00:00:0").append(i % 10)
                    .append("Z\",\"recipientAccountId\":\"111122223333\",\"awsRegion\":\"us-east-1\"}\n");
        }
        return out.toString();
    }
}
