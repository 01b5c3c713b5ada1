package dev.trailwatch.detector.detect.silence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.serde.JacksonSerde;
import org.junit.jupiter.api.Test;

/**
 * The store value survives its serde with every field, as a restore after a restart reads it, and state stored as
 * Smile by earlier versions is still read.
 */
class AccountActivityTest {

    @Test
    void keepsEveryFieldThroughTheStoreSerde() {
        AccountActivity activity = sample();

        byte[] bytes = AccountActivityCodec.SERDE.serializer().serialize("t", activity);
        AccountActivity read = AccountActivityCodec.SERDE.deserializer().deserialize("t", bytes);

        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(read).usingRecursiveComparison().isEqualTo(activity);
    }

    @Test
    void readsActivityStoredAsSmileByEarlierVersions() {
        AccountActivity activity = sample();
        byte[] smile = JacksonSerde.smile(AccountActivity.class).serializer().serialize("t", activity);

        AccountActivity read = AccountActivityCodec.SERDE.deserializer().deserialize("t", smile);

        assertThat(read).usingRecursiveComparison().isEqualTo(activity);
    }

    private static AccountActivity sample() {
        RegionActivity region = new RegionActivity();
        region.lastArrival = 1_000;
        region.lastEventTime = 900;
        region.lastEventId = "id-1";
        region.principal = "arn:aws:iam::111122223333:user/alice";
        region.eventName = "DescribeInstances";
        region.eventSource = "ec2.amazonaws.com";
        region.bucketStart = 500;
        region.bucketCount = 7;
        region.previousCount = 3;
        region.silenced("alert-1", 2_000);
        RegionActivity quiet = new RegionActivity();
        quiet.lastArrival = 3_000;
        AccountActivity activity = AccountActivity.empty();
        activity.regions().put("eu-west-1", region);
        activity.regions().put("us-east-1", quiet);
        return activity;
    }
}
