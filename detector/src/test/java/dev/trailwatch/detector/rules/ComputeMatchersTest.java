package dev.trailwatch.detector.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trailwatch.detector.model.CloudTrailEvent;
import org.junit.jupiter.api.Test;

class ComputeMatchersTest {

    private final RequestMatcher unusual = RequestMatchers.named("unusual-instance-type").orElseThrow();

    private static CloudTrailEvent run(String instanceType) {
        return TestEvents.call("ec2.amazonaws.com", "RunInstances", """
                {"instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 10}]},
                 "instanceType": %s, "subnetId": "subnet-0e540f0c7ffb48ae9"}""".formatted(instanceType));
    }

    @Test
    void alertsOnGpuAndOtherAcceleratedTypes() {
        for (String type : new String[] {"p2.xlarge", "p5.48xlarge", "g4dn.xlarge", "g5.2xlarge", "gr6.4xlarge",
                "inf2.xlarge", "trn1.32xlarge", "dl1.24xlarge", "f1.2xlarge", "vt1.3xlarge"}) {
            assertThat(unusual.matches(run("\"" + type + "\""))).as(type).isTrue();
        }
        assertThat(unusual.evidence(run("\"p2.xlarge\""))).containsEntry("instanceType", "p2.xlarge");
    }

    @Test
    void alertsOnTheLargestSizes() {
        for (String type : new String[] {"c5.24xlarge", "m7i.48xlarge", "c6i.metal", "m7i.metal-48xl",
                "u-6tb1.112xlarge", "x2iedn.32xlarge"}) {
            assertThat(unusual.matches(run("\"" + type + "\""))).as(type).isTrue();
        }
    }

    @Test
    void readsTheDictionaryForm() {
        assertThat(unusual.matches(run("{\"value\": \"p2.xlarge\"}"))).isTrue();
    }

    @Test
    void staysQuietForEverydayTypes() {
        for (String type : new String[] {"t3.micro", "m5.large", "c6g.4xlarge", "r6i.16xlarge", "m5.12xlarge",
                "t4g.nano", "gp3"}) {
            assertThat(unusual.matches(run("\"" + type + "\""))).as(type).isFalse();
        }
    }
}
