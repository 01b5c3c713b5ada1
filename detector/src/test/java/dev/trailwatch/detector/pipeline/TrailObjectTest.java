package dev.trailwatch.detector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scan order of files: the same for a folder and a bucket, whatever order they were listed or named in. */
class TrailObjectTest {

    private static final List<String> NAMES = List.of(
            "export.jsonl",
            "333333333333_CloudTrail_us-east-1_20250307T2225Z_CBWvLXPYC7RYS54Q.json.gz",
            "111111111111_CloudTrail_eu-west-1_20250307T2230Z_DcqPHt8lqYAtoqSV.json.gz",
            "222222222222_CloudTrail_eu-west-1_20250307T2230Z_zTnFrGgvZKE3du4u.json.gz",
            "111111111111_CloudTrail_us-east-1_20250308T0005Z_yjYVj1EYHFHle5Ji.json.gz");

    @Test
    void readsUnnamedFilesFirstThenByDeliveryTimeThenByName() {
        List<TrailObject> shuffled = new ArrayList<>(NAMES.stream().map(n -> object(n, "/logs/x/" + n)).toList());
        Collections.shuffle(shuffled, new Random(3));

        shuffled.sort(TrailObject.ORDER);

        assertThat(shuffled).extracting(TrailObject::name).containsExactlyElementsOf(NAMES);
        assertThat(shuffled.get(1).parsed().account()).isEqualTo("333333333333");
        assertThat(shuffled.get(1).parsed().region()).isEqualTo("us-east-1");
        assertThat(shuffled.get(1).deliveredAt()).isEqualTo(Instant.parse("2025-03-07T22:25:00Z"));
    }

    @Test
    void mergesSortedSourcesLocalAndS3IntoOneOrderWithoutReadingAheadOfIt() {
        List<TrailObject> local = new ArrayList<>();
        List<TrailObject> bucket = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            String name = NAMES.get(i);
            (i % 2 == 0 ? local : bucket).add(i % 2 == 0 ? object(name, "/logs/" + name)
                    : object(name, "s3://trail/AWSLogs/" + name));
        }
        local.sort(TrailObject.ORDER);
        bucket.sort(TrailObject.ORDER);

        List<String> merged = new ArrayList<>();
        Iterator<TrailObject> it = new MergedObjects(List.of(bucket.iterator(), local.iterator()));
        it.forEachRemaining(o -> merged.add(o.name()));

        assertThat(merged).containsExactlyElementsOf(NAMES);
    }

    private static TrailObject object(String name, String location) {
        return TrailObject.of(name, location, "file", 0, () -> new ByteArrayInputStream(new byte[0]));
    }
}
