package dev.trailwatch.detector.detect.silence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.serde.JacksonSerde;
import org.junit.jupiter.api.Test;

/** The store value survives its serde with every field, as a restore after a restart reads it. */
class AccountActivityTest {

    @Test
    void keepsEveryFieldThroughTheStoreSerde() {
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
        AccountActivity activity = AccountActivity.empty();
        activity.regions().put("eu-west-1", region);
        JacksonSerde<AccountActivity> serde = JacksonSerde.smile(AccountActivity.class);

        AccountActivity read = serde.deserializer().deserialize("t",
                serde.serializer().serialize("t", activity));

        assertThat(read.regions()).containsOnlyKeys("eu-west-1");
        assertThat(read.regions().get("eu-west-1")).usingRecursiveComparison().isEqualTo(region);
    }
}
